// CSV of the overage decisions made in a month, for billing staff. GET /billing/exports/overage?period=YYYY-MM
import { requireBilling } from "@/lib/auth/session";
import { parsePeriod } from "@/lib/domain/billing/billing-config";
import { exportOverageDecisionsCsv } from "@/lib/domain/billing/export-overage-decisions-csv";
import { errorResponse } from "@/lib/http/route";
import { periodSchema } from "@/lib/schemas/billing";

export async function GET(req: Request) {
  try {
    await requireBilling();
    const period = periodSchema.parse(new URL(req.url).searchParams.get("period") ?? "");
    const csv = await exportOverageDecisionsCsv(parsePeriod(period));
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="overage-decisions-${period}.csv"`,
        "Cache-Control": "no-store",
      },
    });
  } catch (err) {
    return errorResponse(err);
  }
}
