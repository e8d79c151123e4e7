// CSV of a month's invoices, for billing staff. GET /billing/exports/invoices?period=YYYY-MM
import { exportInvoicesCsv } from "@/lib/domain/billing/export-invoices-csv";
import { csvExportRoute } from "@/lib/http/csv-export-route";

export const GET = csvExportRoute("invoices", exportInvoicesCsv);
