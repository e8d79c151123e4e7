// The invoice as a PDF, laid out with pdfkit from the same view the HTML page shows
// (get-invoice.ts): issuer, billed-to contact, lines, subtotal, tax, total, payments, what is
// due, and the reverse-charge wording where it applies. pdfkit's built-in Helvetica (no font
// files to ship) covers Windows-1252, so text is folded into it first.
import PDFDocument from "pdfkit";
import { formatDate, formatMoney } from "@/lib/format";
import type { InvoiceWithParties } from "./get-invoice";
import { invoiceClosingLine } from "./invoice-balance";
import { REVERSE_CHARGE_WORDING } from "./tax-rules";

// Characters of Windows-1252 above 0x7F outside Latin-1 (the standard fonts' encoding).
const CP1252_EXTRA = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";

/** Text the standard PDF fonts can draw: the minus sign as a hyphen, anything else unknown as "?". */
export function pdfText(s: string): string {
  return s.replace(/[−‐‑]/g, "-").replace(/[^\x20-\x7E\xA0-\xFF\n]/g, (c) => (CP1252_EXTRA.includes(c) ? c : "?"));
}

const KIND: Record<string, string> = {
  PLAN_FEE: "Plan",
  OVERAGE: "Overage",
  CREDIT: "Credit",
  ADJUSTMENT: "Charge",
  CREDIT_BROUGHT: "Credit",
};

/** The invoice as PDF bytes. */
export function renderInvoicePdf(invoice: InvoiceWithParties): Promise<Buffer> {
  const title = invoice.number ? `Invoice ${invoice.number}` : "Draft invoice";
  const doc = new PDFDocument({ size: "A4", margin: 50, info: { Title: title, Author: pdfText(invoice.issuer.name) } });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const left = 50;
  const right = doc.page.width - 50;
  const width = right - left;
  const t = (s: string) => pdfText(s);
  const month = invoice.periodStart.toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

  // Issuer, and what this is.
  doc
    .font("Helvetica-Bold")
    .fontSize(16)
    .text(t(invoice.issuer.name), left, 50, { width: width / 2 });
  doc.font("Helvetica").fontSize(9).fillColor("#444");
  for (const line of invoice.issuer.addressLines) doc.text(t(line), { width: width / 2 });
  if (invoice.issuer.vatId) doc.text(`VAT number ${t(invoice.issuer.vatId)}`, { width: width / 2 });
  const headerBottom = doc.y;
  doc
    .fillColor("#000")
    .font("Helvetica-Bold")
    .fontSize(16)
    .text(t(title), left + width / 2, 50, { width: width / 2, align: "right" });
  doc
    .font("Helvetica")
    .fontSize(10)
    .text(month, { width: width / 2, align: "right" });
  doc.text(`Status: ${invoice.status.toLowerCase()}`, { width: width / 2, align: "right" });
  if (invoice.status === "DRAFT")
    doc
      .fillColor("#a00")
      .text("DRAFT - not issued", { width: width / 2, align: "right" })
      .fillColor("#000");
  if (invoice.status === "VOID")
    doc
      .fillColor("#a00")
      .text("VOID", { width: width / 2, align: "right" })
      .fillColor("#000");

  // Billed to, and the dates.
  let y = Math.max(headerBottom, doc.y) + 20;
  doc.moveTo(left, y).lineTo(right, y).strokeColor("#ccc").stroke();
  y += 12;
  const b = invoice.billTo;
  doc.font("Helvetica-Bold").fontSize(8).fillColor("#666").text("BILLED TO", left, y);
  doc.font("Helvetica").fontSize(10).fillColor("#000");
  for (const line of [
    b.name,
    b.addressLine1,
    b.addressLine2,
    `${b.postalCode} ${b.city}, ${b.country}`,
    b.billingEmail,
    b.vatNumber ? `VAT number ${b.vatNumber}` : null,
  ])
    if (line) doc.text(t(line), { width: width / 2 });
  const billBottom = doc.y;
  const dates: Array<[string, string]> = [
    ["Period", `${formatDate(invoice.periodStart)} - ${formatDate(new Date(invoice.periodEnd.getTime() - 1))}`],
    ["Issued", formatDate(invoice.issuedAt)],
    ["Due", formatDate(invoice.dueAt)],
  ];
  let dy = y;
  for (const [k, v] of dates) {
    doc
      .fontSize(10)
      .fillColor("#666")
      .text(k, left + width / 2, dy, { width: 80 });
    doc.fillColor("#000").text(t(v), left + width / 2 + 80, dy, { width: width / 2 - 80, align: "right" });
    dy = doc.y + 2;
  }

  // The lines.
  y = Math.max(billBottom, dy) + 20;
  const cols = { kind: left, desc: left + 55, qty: right - 190, unit: right - 130, amount: right - 65 };
  const header = (at: number) => {
    doc.font("Helvetica-Bold").fontSize(8).fillColor("#666");
    doc.text("ITEM", cols.kind, at);
    doc.text("DESCRIPTION", cols.desc, at);
    doc.text("QTY", cols.qty, at, { width: 55, align: "right" });
    doc.text("UNIT", cols.unit, at, { width: 60, align: "right" });
    doc.text("AMOUNT", cols.amount, at, { width: 65, align: "right" });
    doc.font("Helvetica").fontSize(9).fillColor("#000");
    return at + 14;
  };
  y = header(y);
  const items = invoice.lines.filter((l) => l.kind !== "TAX" && l.kind !== "CREDIT_CARRIED");
  for (const l of items) {
    const desc = t(l.description);
    const h = Math.max(doc.heightOfString(desc, { width: cols.qty - cols.desc - 8 }), 11);
    if (y + h > doc.page.height - 120) {
      doc.addPage();
      y = header(50);
    }
    doc.fillColor("#666").text(KIND[l.kind] ?? l.kind, cols.kind, y, { width: 50 });
    doc.fillColor("#000").text(desc, cols.desc, y, { width: cols.qty - cols.desc - 8 });
    const qty = Number(String(l.quantity)).toLocaleString("en-US", { maximumFractionDigits: 4 });
    doc.text(qty, cols.qty, y, { width: 55, align: "right" });
    doc.text(formatMoney(l.unitCents), cols.unit, y, { width: 60, align: "right" });
    doc.text(formatMoney(l.amountCents), cols.amount, y, { width: 65, align: "right" });
    y += h + 5;
  }

  // Totals.
  if (y > doc.page.height - 200) {
    doc.addPage();
    y = 50;
  }
  doc.moveTo(left, y).lineTo(right, y).strokeColor("#999").stroke();
  y += 8;
  const row = (label: string, cents: number, bold = false) => {
    doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(10);
    doc.text(t(label), left, y, { width: width - 75, align: "right" });
    doc.text(formatMoney(cents), cols.amount, y, { width: 65, align: "right" });
    y = doc.y + 4;
  };
  const tax = invoice.lines.filter((l) => l.kind === "TAX");
  if (tax.length)
    row(
      "Subtotal",
      items.reduce((s, l) => s + l.amountCents, 0),
    );
  for (const l of tax) row(`${l.description} of ${formatMoney(l.unitCents)}`, l.amountCents);
  for (const l of invoice.lines.filter((x) => x.kind === "CREDIT_CARRIED")) row(l.description, l.amountCents);
  row("Total", invoice.totalCents, true);
  for (const p of invoice.payments)
    row(
      `Paid ${formatDate(p.receivedAt)} by ${p.method.toLowerCase().replace("_", " ")}${p.reference ? ` (${p.reference})` : ""}`,
      -p.amountCents,
    );
  const closing = invoiceClosingLine(invoice);
  row(closing.label, closing.cents, true);

  if (invoice.taxTreatment === "REVERSE_CHARGE") {
    y += 12;
    doc.font("Helvetica").fontSize(9).text(t(REVERSE_CHARGE_WORDING), left, y, { width });
  }
  if (invoice.status === "VOID" && invoice.voidReason) {
    y = doc.y + 12;
    doc
      .font("Helvetica")
      .fontSize(9)
      .fillColor("#a00")
      .text(t(`Void: ${invoice.voidReason}`), left, y, { width });
  }
  doc.end();
  return done;
}
