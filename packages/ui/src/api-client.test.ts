import { describe, expect, it } from "vitest";
import { answer } from "./api-client.ts";

const reply = (status: number, body: string | null, type = "application/json") =>
  Promise.resolve(new Response(body, { status, headers: { "content-type": type } }));

describe("answer", () => {
  it("gives a success's body", async () => {
    expect(await answer(reply(202, '{"operationId":"op-1"}'))).toEqual({
      ok: true,
      status: 202,
      body: { operationId: "op-1" },
    });
    expect(await answer(reply(204, null))).toEqual({ ok: true, status: 204, body: null });
  });

  it("turns problem+json into its detail and each field's message", async () => {
    const problem = {
      type: "about:blank",
      title: "Bad Request",
      status: 400,
      detail: "the request's json is invalid",
      errors: [
        { path: "slug", message: "too short" },
        { path: "database.vpcId", message: "required" },
      ],
    };
    const res = await answer(reply(400, JSON.stringify(problem), "application/problem+json"));
    expect(res).toEqual({
      ok: false,
      status: 400,
      message: "the request's json is invalid",
      fields: { slug: "too short", "database.vpcId": "required" },
      problem,
    });
  });

  it("names the status when the answer is no problem document (a proxy's HTML page, say)", async () => {
    const res = await answer(reply(502, "<html>Bad Gateway</html>", "text/html"));
    expect(res).toEqual({ ok: false, status: 502, message: "HTTP 502", fields: {}, problem: null });
  });
});
