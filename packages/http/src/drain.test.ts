import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const drain = fileURLToPath(new URL("./drain.ts", import.meta.url));

/** A server in its own process that answers /slow after 1.5 s, draining on SIGTERM. */
function startServer(drainSeconds: number) {
  const program = `
    import { createServer } from "node:http";
    import { drainOnSignal } from ${JSON.stringify(drain)};
    const server = createServer((req, res) => {
      if (req.url === "/slow") setTimeout(() => res.end("finished"), 1500);
      else res.end("ok");
    });
    server.listen(0, "127.0.0.1", () => console.log(server.address().port));
    drainOnSignal(server, async () => console.log("cleaned up"), ${drainSeconds});
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", program], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  const port = new Promise<number>((resolve) =>
    child.stdout.on("data", (d) => {
      output += d;
      const first = output.split("\n")[0];
      if (first && output.includes("\n")) resolve(Number(first));
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, port, exited, output: () => output };
}

describe("drainOnSignal", () => {
  it("finishes the request in flight after SIGTERM, refuses new ones, cleans up and exits 0", async () => {
    const server = startServer(10);
    const port = await server.port;
    const slow = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 200));
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    expect(await slow).toBe("finished");
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("cleaned up");
  });

  it("gives up with exit 1 when a request outlasts the drain time", async () => {
    const server = startServer(0.5);
    const port = await server.port;
    const slow = fetch(`http://127.0.0.1:${port}/slow`).then(
      (r) => r.text(),
      () => "cut",
    );
    await new Promise((r) => setTimeout(r, 200));
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(1);
    expect(await slow).toBe("cut");
  });
});
