import { OpenAPIHono, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { installEdge, type RequestIdEnv } from "./edge.ts";
import { permissionGuard } from "./permission.ts";
import { constraintProblems } from "./postgres-problem.ts";
import { ProblemError } from "./problem.ts";
import { createRouter, json, jsonBody, route } from "./router.ts";

interface TestEnv extends RequestIdEnv {
  Variables: { requestId: string; caller: { permissions: string[] } | undefined };
}

const requirePermission = permissionGuard<"things:read" | "things:write", TestEnv>({
  whoIs: (c) => c.get("caller"),
  signIn: "sign in first",
});

const mapConstraint = constraintProblems({
  things_name: { field: "name", message: "a thing has this name" },
});

function testApp() {
  const logged: { message: string; requestId: string }[] = [];
  const app = new OpenAPIHono<TestEnv>();
  installEdge(app, {
    basePath: "/api",
    maxBodyBytes: (path) => (path === "/api/upload" ? 4096 : 64),
    notAmbient: (c) => c.req.header("authorization") !== undefined,
    logError: (error, where) => logged.push({ message: error.message, requestId: where.requestId }),
    problemHeaders: { 401: { "www-authenticate": 'Bearer realm="test"' } },
  });
  app.use("/api/*", async (c, next) => {
    const held = c.req.header("x-permissions");
    c.set("caller", held === undefined ? undefined : { permissions: held.split(",") });
    await next();
  });
  const router = createRouter<TestEnv>()
    .openapi(
      route({
        method: "post",
        path: "/things",
        middleware: [requirePermission("things:write")],
        request: { body: jsonBody(z.object({ name: z.string().min(2) }).strict()) },
        responses: { 201: json(z.object({ name: z.string() }), "made") },
      }),
      (c) => c.json(c.req.valid("json"), 201),
    )
    .openapi(
      route({
        method: "get",
        path: "/things",
        middleware: [requirePermission("things:read", "things:write")],
        responses: { 200: json(z.object({ ok: z.boolean() }), "ok") },
      }),
      (c) => c.json({ ok: true }, 200),
    )
    .openapi(
      route({
        method: "post",
        path: "/upload",
        request: { body: { required: true, content: { "text/csv": { schema: z.string() } } } },
        responses: { 200: json(z.object({ bytes: z.number() }), "read") },
      }),
      async (c) => c.json({ bytes: (await c.req.text()).length }, 200),
    )
    .get("/boom", () => {
      throw new Error("secret detail of a failure");
    })
    .get("/taken", () => {
      const error = Object.assign(new Error("duplicate key"), {
        code: "23505",
        constraint_name: "things_name",
      });
      return mapConstraint(new Error("drizzle wrapped", { cause: error }));
    });
  app.route("/api", router);
  return { app, logged };
}

interface Answer {
  status?: number;
  detail?: string;
  instance?: string;
  permission?: string;
  errors?: { path: string; message: string }[];
  bytes?: number;
}
const read = async (res: Response) => (await res.json()) as Answer;

const post = (_path: string, headers: Record<string, string>, body?: string) => ({
  method: "POST",
  headers,
  ...(body !== undefined ? { body } : {}),
});

describe("the HTTP edge", () => {
  it("answers every error as problem+json with our own request id, never the caller's", async () => {
    const { app } = testApp();
    const res = await app.request("/api/nowhere", { headers: { "x-request-id": "chosen-by-caller" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await read(res)).toMatchObject({ status: 404, instance: `urn:request:${id}` });
  });

  it("refuses a cross-site change riding on a cookie, but not a Bearer token's", async () => {
    const { app } = testApp();
    const forged = {
      "content-type": "application/json",
      origin: "http://evil.example",
      "x-permissions": "things:write",
    };
    const refused = await app.request("/api/things", post("/api/things", forged, '{"name":"ab"}'));
    expect([refused.status, (await read(refused)).detail]).toEqual([
      403,
      "a request from http://evil.example may not change anything here",
    ]);
    const bearer = await app.request(
      "/api/things",
      post("/api/things", { ...forged, authorization: "Bearer x" }, '{"name":"ab"}'),
    );
    expect(bearer.status).toBe(201);
  });

  it("limits bodies by route, before reading them", async () => {
    const { app } = testApp();
    const headers = { "content-type": "application/json", "x-permissions": "things:write" };
    const big = JSON.stringify({ name: "x".repeat(100) });
    const tooBig = await app.request("/api/things", post("/api/things", headers, big));
    expect([tooBig.status, (await read(tooBig)).detail]).toEqual([413, "the body is larger than 64 bytes"]);
    const upload = await app.request(
      "/api/upload",
      post("/api/upload", { "content-type": "text/csv" }, "a,b\n".repeat(500)),
    );
    expect(await read(upload)).toEqual({ bytes: 2000 });
  });

  it("takes a required body only in the media type the route declares (415 otherwise, or with none)", async () => {
    const { app } = testApp();
    const caller = { "x-permissions": "things:write" };
    for (const type of ["text/plain", "application/x-www-form-urlencoded", undefined]) {
      const headers: Record<string, string> = type ? { ...caller, "content-type": type } : caller;
      const res = await app.request(
        "/api/things",
        post("/api/things", headers, type ? '{"name":"ab"}' : undefined),
      );
      expect(res.status, String(type)).toBe(415);
    }
    const csvAsJson = await app.request(
      "/api/upload",
      post("/api/upload", { "content-type": "application/json" }, "[]"),
    );
    expect(csvAsJson.status).toBe(415);
    const merged = await app.request(
      "/api/things",
      post(
        "/api/things",
        { ...caller, "content-type": "application/merge-patch+json; charset=utf-8" },
        '{"name":"ab"}',
      ),
    );
    expect(merged.status).toBe(201);
  });

  it("names every bad field of a body in one 400", async () => {
    const { app } = testApp();
    const res = await app.request(
      "/api/things",
      post(
        "/api/things",
        { "content-type": "application/json", "x-permissions": "things:write" },
        '{"name":"a","x":1}',
      ),
    );
    const body = await read(res);
    expect(res.status).toBe(400);
    expect(body.errors?.map((e) => e.path).sort()).toEqual(["(root)", "name"]);
  });

  it("guards a route by permission: 401 with a challenge for nobody, 403 naming what is missing", async () => {
    const { app } = testApp();
    const nobody = await app.request("/api/things");
    expect([nobody.status, nobody.headers.get("www-authenticate")]).toEqual([401, 'Bearer realm="test"']);
    const without = await app.request("/api/things", { headers: { "x-permissions": "other:thing" } });
    expect([without.status, (await read(without)).permission]).toEqual([403, "things:read"]);
    // Either of a route's permissions will do.
    const writer = await app.request("/api/things", { headers: { "x-permissions": "things:write" } });
    expect(writer.status).toBe(200);
  });

  it("keeps an unexpected error's message in the log, out of the answer", async () => {
    const { app, logged } = testApp();
    const res = await app.request("/api/boom");
    const body = await read(res);
    expect(res.status).toBe(500);
    expect(JSON.stringify(body)).not.toContain("secret detail");
    expect(logged).toEqual([
      { message: "secret detail of a failure", requestId: res.headers.get("x-request-id") },
    ]);
  });

  it("turns a known constraint's violation into a 409 naming the field, and rethrows others", async () => {
    const { app } = testApp();
    const res = await app.request("/api/taken");
    expect([res.status, (await read(res)).errors]).toEqual([
      409,
      [{ path: "name", message: "a thing has this name" }],
    ]);
    const unknown = Object.assign(new Error("other"), { code: "23505", constraint_name: "elsewhere" });
    expect(() => mapConstraint(unknown)).toThrow(unknown);
    expect(() => mapConstraint(new ProblemError(404))).toThrow(ProblemError);
  });
});
