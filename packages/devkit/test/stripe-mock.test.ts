import { afterAll, describe, expect, it } from "vitest";
import { devkitEnv } from "../src/env.ts";
import { type StripeMock, startStripeMock } from "../src/payments/stripe-mock.ts";

/** stripe-mock as devkit runs it: npm start's and every test's at once, on ports of their own. */
describe("stripe-mock", () => {
  const mocks: StripeMock[] = [];
  afterAll(async () => {
    await Promise.all(mocks.map((m) => m.stop()));
  });

  it("runs twice at once (its HTTPS listener no longer takes port 12112 for itself)", async () => {
    mocks.push(...(await Promise.all([startStripeMock(devkitEnv()), startStripeMock(devkitEnv())])));
    for (const mock of mocks) {
      const res = await fetch(`${mock.url}/v1/checkout/sessions`, {
        method: "POST",
        headers: {
          authorization: "Bearer sk_test_devkit",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "mode=payment&success_url=https%3A%2F%2Fisp.example%2Fdone&line_items[0][price]=price_x&line_items[0][quantity]=1",
      });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(((await res.json()) as { object: string }).object).toBe("checkout.session");
    }
  }, 120_000);
});
