// A billing CSV download: GET ?period=YYYY-MM, billing staff only, never cached.
import "server-only";
import { requireBilling } from "@/lib/auth/session";
import { parsePeriod } from "@/lib/calendar";
import { staffActor, type StaffActor } from "@/lib/domain/actor";
import { errorResponse } from "@/lib/http/route";
import { periodSchema } from "@/lib/schemas/billing";

export function csvExportRoute(filePrefix: string, exportCsv: (opts: { actor: StaffActor; periodStart: Date }) => Promise<string>) {
  return async function GET(req: Request): Promise<Response> {
    try {
      const actor = staffActor(await requireBilling());
      const period = periodSchema.parse(new URL(req.url).searchParams.get("period") ?? "");
      const csv = await exportCsv({ actor, periodStart: parsePeriod(period) });
      return new Response(csv, {
        headers: {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="${filePrefix}-${period}.csv"`,
          "Cache-Control": "no-store",
        },
      });
    } catch (err) {
      return errorResponse(err);
    }
  };
}
