import { describe, expect, it } from "vitest";
import { dunningNotice, receipt } from "./notices.ts";

const brand = {
  slug: "fibre",
  name: "Fibre & Co",
  logoUrl: "https://fibre.example/logo.png",
  primaryColor: "#112233",
  footer: "Fibre & Co Ltd, 1 Main St\nVAT IE1234567X",
};
const facts = {
  to: "ada@home.test",
  name: "Ada <script>alert(1)</script>",
  invoiceId: "7b0c7d3e-2f55-4c57-9d0e-6c7b4f2a9a10",
  number: "INV-2026-00042",
  dueOn: "2026-12-17",
  days: 8,
  openMinor: 2999,
  currency: "EUR",
};

describe("billing notices", () => {
  it("escapes what the subscriber and the tenant typed in the HTML, and keeps the text plain", () => {
    const mail = dunningNotice(brand, "walled_garden", facts);
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("Ada &#60;script&#62;");
    expect(mail.html).toContain("Fibre &#38; Co");
    expect(mail.html).toContain("background:#112233");
    expect(mail.html).toContain('<img src="https://fibre.example/logo.png"');
    expect(mail.text).toContain("Dear Ada <script>alert(1)</script>,");
    expect(mail.text).toContain("Invoice INV-2026-00042 is 8 days past due and 29.99 EUR is open");
    // The tenant's footer closes both, escaped in the HTML.
    expect(mail.html).toContain("Fibre &#38; Co Ltd, 1 Main St\nVAT IE1234567X</div>");
    expect(mail.text.trimEnd().endsWith("Fibre & Co Ltd, 1 Main St\nVAT IE1234567X")).toBe(true);
    expect(dunningNotice({ ...brand, footer: null }, "notice", facts).text).not.toContain("VAT");
  });

  it("gives each step of each invoice one Message-ID, so a notice sent twice shows once", () => {
    const id = (step: Parameters<typeof dunningNotice>[1]) => dunningNotice(brand, step, facts).messageId;
    expect(id("reminder")).toBe(id("reminder"));
    expect(
      new Set(["reminder", "notice", "walled_garden", "suspend", "terminate"].map((s) => id(s as never)))
        .size,
    ).toBe(5);
    expect(
      receipt(brand, { ...facts, paymentId: "p1", amountMinor: 5000, creditMinor: 2001 }).text,
    ).toContain("20.01 EUR of it is kept as credit");
  });
});
