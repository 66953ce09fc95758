import { describe, expect, expectTypeOf, it } from "vitest";
import { platformClient } from "../src/client.ts";

/** A client whose requests are recorded and answered with `body`, no server needed. */
function recording(body: unknown, status = 200) {
  const seen: { method: string; url: string; headers: Headers; body: string | null }[] = [];
  const api = platformClient("http://api.test/", {
    token: "dmp_test",
    fetch: (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const request = new Request(input, init);
      seen.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body ? await request.text() : null,
      });
      return Response.json(body, { status });
    }) as typeof fetch,
  });
  return { api, seen };
}

describe("the typed platform client", () => {
  it("builds each route's path, query and body from the contract, with the token", async () => {
    const { api, seen } = recording({ operationId: "op-1", tenantId: null, status: "queued" }, 202);
    const res = await api.tenants[":slug"].suspend.$post({
      param: { slug: "acme-fibre" },
      header: { "idempotency-key": "ci-42" },
    });
    expect(res.status).toBe(202);
    if (res.status === 202) {
      const body = await res.json();
      expectTypeOf(body.operationId).toEqualTypeOf<string>();
      expect(body.operationId).toBe("op-1");
    }
    await api.tenants.$get({ query: { status: "active", limit: "10" } });
    await api.tenants[":slug"].$delete({
      param: { slug: "acme-fibre" },
      header: {},
      query: { confirm: "acme-fibre" },
    });
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      "POST http://api.test/api/platform/v1/tenants/acme-fibre/suspend",
      "GET http://api.test/api/platform/v1/tenants?status=active&limit=10",
      "DELETE http://api.test/api/platform/v1/tenants/acme-fibre?confirm=acme-fibre",
    ]);
    expect(seen[0]?.headers.get("authorization")).toBe("Bearer dmp_test");
    expect(seen[0]?.headers.get("idempotency-key")).toBe("ci-42");
  });

  it("types each status's answer: a problem's fields on a 400, the page on a 200", async () => {
    const { api, seen } = recording({ items: [], nextCursor: null });
    const res = await api.operations.$get({ query: { tenant: "acme-fibre" } });
    if (res.status === 400)
      expectTypeOf((await res.json()).errors).toEqualTypeOf<
        { path: string; message: string }[] | undefined
      >();
    if (res.status === 200) expect((await res.json()).items).toEqual([]);
    await api.flags[":key"].$put({ param: { key: "billing.v2" }, json: { enabled: true } });
    expect(seen[1]).toMatchObject({ method: "PUT", body: '{"enabled":true}' });
    expectTypeOf(api.tenants).not.toHaveProperty("nope");
    expectTypeOf(api.tenants[":slug"]).toHaveProperty("suspend");
  });
});
