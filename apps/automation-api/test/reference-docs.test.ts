import { routeTable } from "@dotmac/http/route-table";
import { sessionCookie } from "@dotmac/http/session-cookie";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { SESSION_COOKIE } from "../src/auth/principal.ts";
import type { Deps } from "../src/lib/deps.ts";

describe("the automation API's route reference", () => {
  it("is docs/reference/platform-api.md, as its OpenAPI document says (run with -u to update)", async () => {
    // Building the routes touches none of the services: only the cookie's name is read.
    const app = createApp({ sessionCookie: sessionCookie(SESSION_COOKIE) } as unknown as Deps);
    const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "", version: "" } });
    const table = routeTable("The automation API's routes (`/api/platform/v1`)", doc);
    expect(table).toContain("| POST | `/api/platform/v1/tenants` | `platform:tenants:write` |");
    await expect(table).toMatchFileSnapshot("../../../docs/reference/platform-api.md");
  });
});
