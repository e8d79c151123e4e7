// Any invoice as a PDF, for billing staff (drafts included, marked as drafts).
// GET /billing/invoices/<id>/pdf
import { requireBilling } from "@/lib/auth/session";
import { staffActor } from "@/lib/domain/actor";
import { getInvoiceForStaff } from "@/lib/domain/billing/get-invoice";
import { invoicePdfResponse } from "@/lib/domain/billing/invoice-pdf-response";
import { errorResponse } from "@/lib/http/route";
import { id } from "@/lib/schemas/common";
import { notFound } from "@/lib/errors";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const actor = staffActor(await requireBilling());
    const invoiceId = id.safeParse((await params).id);
    if (!invoiceId.success) throw notFound("That invoice");
    return await invoicePdfResponse(await getInvoiceForStaff({ actor, invoiceId: invoiceId.data }));
  } catch (err) {
    return errorResponse(err);
  }
}
