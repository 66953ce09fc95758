import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { proxyToApi } from "../src/server/api-proxy.ts";

/** The admin app's proxy to the automation API, against upstreams that misbehave. */
describe("the admin app's API proxy", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  async function upstream(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/platform/v1`;
  }
  const get = (path = "tenants") => new Request(`http://admin.localhost/api/platform/v1/${path}`);

  it("answers 504 problem+json when the API accepts the connection and never answers", async () => {
    const base = await upstream(() => {});
    const res = await proxyToApi(get(), ["tenants"], base, { headersTimeoutMs: 300 });
    expect(res.status).toBe(504);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({
      status: 504,
      detail: "the automation API did not answer in time",
    });
  }, 5_000);

  it("answers 502 when the API is not there", async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const res = await proxyToApi(get(), ["tenants"], "http://127.0.0.1:1/api/platform/v1");
    expect(res.status).toBe(502);
  });

  it("lets a stream that started in time run on past the timeout", async () => {
    const base = await upstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
      setTimeout(() => res.end("data: two\n\n"), 600);
    });
    const res = await proxyToApi(get("operations/x/events"), ["operations", "x", "events"], base, {
      headersTimeoutMs: 300,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("data: one\n\ndata: two\n\n");
  });

  it("refuses . and .. segments without calling the API", async () => {
    let called = false;
    const base = await upstream((_req, res) => {
      called = true;
      res.end();
    });
    for (const path of [
      ["..", "metrics"],
      [".", "auth", "me"],
    ]) {
      expect((await proxyToApi(get(), path, base)).status).toBe(400);
    }
    expect(called).toBe(false);
  });
});
