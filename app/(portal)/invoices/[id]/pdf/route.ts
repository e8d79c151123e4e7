// The customer's invoice as a PDF. GET /invoices/<id>/pdf — scoped by the caller's account in
// the query: another account's invoice, a draft or a malformed id is a 404.
import { requireCustomer } from "@/lib/auth/session";
import { customerActor } from "@/lib/domain/actor";
import { getInvoiceForCustomer } from "@/lib/domain/billing/get-invoice";
import { invoicePdfResponse } from "@/lib/domain/billing/invoice-pdf-response";
import { errorResponse } from "@/lib/http/route";
import { id } from "@/lib/schemas/common";
import { notFound } from "@/lib/errors";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const actor = customerActor(await requireCustomer());
    const invoiceId = id.safeParse((await params).id);
    if (!invoiceId.success) throw notFound("That invoice");
    return await invoicePdfResponse(await getInvoiceForCustomer({ actor, invoiceId: invoiceId.data }));
  } catch (err) {
    return errorResponse(err);
  }
}
