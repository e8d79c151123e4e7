// CSV of the overage decisions made in a month, for billing staff. GET /billing/exports/overage?period=YYYY-MM
import { exportOverageDecisionsCsv } from "@/lib/domain/billing/export-overage-decisions-csv";
import { csvExportRoute } from "@/lib/http/csv-export-route";

export const GET = csvExportRoute("overage-decisions", exportOverageDecisionsCsv);
