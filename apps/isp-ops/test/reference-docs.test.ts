import { routeTable } from "@dotmac/http/route-table";
import { describe, expect, it } from "vitest";
import { createIspOpsApi } from "../src/server/api.ts";

describe("the isp-ops API's route reference", () => {
  it("is docs/reference/isp-ops-api.md, as its OpenAPI document says (run with -u to update)", async () => {
    const app = createIspOpsApi(async () => {
      throw new Error("no request is served while the document is read");
    });
    const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "", version: "" } });
    const table = routeTable("The isp-ops API's routes (`/api/v1`, one per tenant)", doc);
    expect(table).toContain("| POST | `/api/v1/subscribers` | `customers:write` |");
    await expect(table).toMatchFileSnapshot("../../../docs/reference/isp-ops-api.md");
  });
});
