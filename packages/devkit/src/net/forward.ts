import { createConnection, createServer, type Server, type Socket } from "node:net";

export interface Forward {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Offers a service that listens on loopback (Postgres, the API server) at another local address,
 * byte for byte (TLS passes through untouched): containers on the pod bridge reach it there.
 */
export async function forwardTcp(
  listenHost: string,
  target: { host: string; port: number },
  listenPort = 0,
): Promise<Forward> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = createConnection(target);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, listenHost, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("forwardTcp: no address");
  return {
    host: listenHost,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
