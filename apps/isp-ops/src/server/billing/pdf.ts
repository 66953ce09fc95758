import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import PDFDocument from "pdfkit";
import type { Branding } from "../branding.ts";
import { formatMoney } from "./money.ts";
import type { paymentReceipt } from "./receipts.ts";
import type { invoiceDetail } from "./views.ts";

type Invoice = NonNullable<Awaited<ReturnType<typeof invoiceDetail>>>;
type Receipt = NonNullable<Awaited<ReturnType<typeof paymentReceipt>>>;

const methodText: Record<Receipt["method"], string> = {
  cash: "cash",
  bank_transfer: "bank transfer",
  mobile_money: "mobile money",
  card: "card",
};

/**
 * DejaVu Sans from the dejavu-fonts-ttf package, found from the working directory up (the
 * repository locally, /app in the image, which copies the two files): it covers the Latin,
 * Greek and Cyrillic scripts of subscribers' names, which the PDF standard fonts do not.
 */
const fonts = (() => {
  let cache: { regular: Buffer; bold: Buffer } | undefined;
  return () => {
    if (cache) return cache;
    for (let dir = process.cwd(); ; dir = dirname(dir)) {
      const ttf = join(/*turbopackIgnore: true*/ dir, "node_modules/dejavu-fonts-ttf/ttf");
      if (existsSync(join(ttf, "DejaVuSans.ttf"))) {
        cache = {
          regular: readFileSync(join(ttf, "DejaVuSans.ttf")),
          bold: readFileSync(join(ttf, "DejaVuSans-Bold.ttf")),
        };
        return cache;
      }
      if (dirname(dir) === dir) throw new Error("dejavu-fonts-ttf is not installed");
    }
  };
})();

const day = (d: Date | string | null) =>
  d === null ? "—" : (typeof d === "string" ? d : d.toISOString()).slice(0, 10);
const percent = (basisPoints: number) => `${(basisPoints / 100).toFixed(basisPoints % 100 === 0 ? 0 : 2)} %`;

/**
 * An A4 document in the tenant's name (a band of its colour) under `title`, in the fonts that
 * cover subscribers' names; `done` is the file once the caller ends the document.
 */
function brandedPdf(brand: Branding, title: string) {
  const { regular, bold } = fonts();
  const doc = new PDFDocument({ size: "A4", margin: 50, info: { Title: title, Author: brand.name } });
  doc.registerFont("body", regular);
  doc.registerFont("bold", bold);
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const left = 50;
  const width = doc.page.width - 100;
  doc.rect(0, 0, doc.page.width, 80).fill(brand.primaryColor);
  doc.fillColor("#ffffff").font("bold").fontSize(22).text(brand.name, left, 28, { width });
  doc.fillColor("#000000").font("bold").fontSize(16).text(title, left, 110);
  doc.font("body").fontSize(10).moveDown(0.5);
  return { doc, done, left, width };
}

/** The tenant's footer (legal name, tax number, bank details) under what a document says. */
function footer(doc: PDFKit.PDFDocument, brand: Branding, left: number, width: number) {
  if (brand.footer) {
    doc.moveDown(2).fillColor("#555555").fontSize(8).font("body").text(brand.footer, left, doc.y, { width });
  }
}

/**
 * An invoice or credit note as an A4 PDF (pdfkit: a well-kept, pure-JavaScript PDF writer, so
 * rendering needs no browser or native library in the image): the tenant's name in a band of its
 * colour, the number and dates, who is billed, each line with its taxes, the totals, and the
 * tenant's footer (legal name, tax number, bank details).
 */
export function invoicePdf(brand: Branding, invoice: Invoice, serviceAddress: string): Promise<Buffer> {
  const title = `${invoice.kind === "credit_note" ? "Credit note" : "Invoice"} ${invoice.number ?? "(draft)"}`;
  const { doc, done, left, width } = brandedPdf(brand, title);
  const money = (minor: number) => formatMoney(minor, invoice.currency);
  doc.text(`Issued: ${day(invoice.issuedAt)}`);
  if (invoice.dueOn) doc.text(`Due: ${invoice.dueOn}`);
  if (invoice.periodStart && invoice.periodEnd)
    doc.text(`Service period: ${invoice.periodStart} to ${invoice.periodEnd}`);
  doc.moveDown();
  doc.font("bold").text("Billed to");
  doc.font("body").text(invoice.subscriberName).text(`Account ${invoice.accountNumber}`).text(serviceAddress);
  doc.moveDown();

  const columns = [
    { label: "Description", x: left, w: 215, align: "left" as const },
    { label: "Qty", x: left + 215, w: 35, align: "right" as const },
    { label: "Unit", x: left + 250, w: 70, align: "right" as const },
    { label: "Net", x: left + 320, w: 60, align: "right" as const },
    { label: "Tax", x: left + 380, w: 55, align: "right" as const },
    { label: "Total", x: left + 435, w: 60, align: "right" as const },
  ];
  const row = (cells: string[], font: "body" | "bold") => {
    const y = doc.y;
    doc.font(font);
    const heights = cells.map((cell, i) => {
      const c = columns[i] as (typeof columns)[number];
      doc.text(cell, c.x, y, { width: c.w, align: c.align });
      return doc.y;
    });
    doc.y = Math.max(...heights) + 4;
  };
  row(
    columns.map((c) => c.label),
    "bold",
  );
  for (const line of invoice.lines) {
    row(
      [
        line.description,
        String(line.quantity),
        money(line.unitMinor),
        money(line.netMinor),
        money(line.taxMinor),
        money(line.totalMinor),
      ],
      "body",
    );
    for (const tax of line.taxes) {
      doc
        .fontSize(8)
        .text(
          `${tax.name} ${percent(tax.basisPoints)} ${tax.inclusive ? "included" : "added"}: ${money(tax.amountMinor)}`,
          left + 10,
          doc.y,
          { width: 300 },
        );
      doc.fontSize(10).moveDown(0.3);
    }
  }
  doc.moveDown();
  const taxes = new Map<string, number>();
  for (const line of invoice.lines)
    for (const tax of line.taxes) {
      const key = `${tax.name} ${percent(tax.basisPoints)}`;
      taxes.set(key, (taxes.get(key) ?? 0) + tax.amountMinor);
    }
  const total = (label: string, value: string, font: "body" | "bold" = "body") => {
    const y = doc.y;
    doc.font(font).text(label, left + 250, y, { width: 185, align: "right" });
    doc.text(value, left + 435, y, { width: 60, align: "right" });
  };
  total("Net", money(invoice.netMinor));
  for (const [name, amount] of taxes) total(name, money(amount));
  total("Total", money(invoice.totalMinor), "bold");
  if (invoice.kind === "invoice") {
    total("Paid or credited", money(invoice.totalMinor - invoice.openMinor));
    total("Open", money(invoice.openMinor), "bold");
  }
  if (invoice.note) doc.moveDown().font("body").text(invoice.note, left, doc.y, { width });
  footer(doc, brand, left, width);
  doc.end();
  return done;
}

/** A receipt for a payment as an A4 PDF: who paid, when and how, what it paid, what was given back or kept. */
export function receiptPdf(brand: Branding, r: Receipt): Promise<Buffer> {
  const { doc, done, left, width } = brandedPdf(brand, "Payment receipt");
  const money = (minor: number) => formatMoney(minor, r.currency);
  doc.text(`Received: ${day(r.receivedAt)}`);
  doc.text(`Paid by: ${methodText[r.method]}${r.reference ? ` (${r.reference})` : ""}`);
  doc.text(`Receipt: ${r.id}`);
  doc.moveDown();
  doc.font("bold").text("Received from");
  doc.font("body").text(r.subscriberName).text(`Account ${r.accountNumber}`).text(r.serviceAddress);
  doc.moveDown();
  const line = (label: string, value: string, font: "body" | "bold" = "body") => {
    const y = doc.y;
    doc.font(font).text(label, left, y, { width: 380 });
    doc.text(value, left + 380, y, { width: width - 380, align: "right" });
  };
  line("Amount received", money(r.amountMinor), "bold");
  for (const a of r.allocations) line(`Paid on invoice ${a.number ?? a.invoiceId}`, money(a.amountMinor));
  if (r.refundedMinor > 0) line("Given back", money(r.refundedMinor));
  if (r.creditMinor > 0) line("Kept as credit", money(r.creditMinor));
  footer(doc, brand, left, width);
  doc.end();
  return done;
}
