import type { Metadata } from "next";
import { MonthSelect } from "@/components/billing/month-select";
import { FieldErrors } from "@/components/forms/fields";
import { FormCard } from "@/components/forms/form-card";
import { InvoicesTable } from "@/components/billing/invoices-table";
import { FilterSelect } from "@/components/admin/filter-bar";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { SubmitButton } from "@/components/ui/submit-button";
import { requireBillingPage } from "@/lib/auth/session";
import { formatPeriod, monthStart, nextMonthStart, parsePeriod } from "@/lib/calendar";
import { INVOICES_PAGE_SIZE, listInvoices } from "@/lib/domain/billing/list-invoices";
import { formatDateTime, formatMoney } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";
import { periodSchema } from "@/lib/schemas/billing";
import { buttonClass } from "@/components/ui/button-styles";
import { issueDraftsAction, runInvoiceRunAction } from "../actions";

export const metadata: Metadata = { title: "Invoices" };

const STATUSES = ["DRAFT", "ISSUED", "PAID", "VOID"] as const;

export default async function InvoicesPage({
  searchParams,
}: {
  searchParams: Promise<{ page?: string; period?: string; status?: string }>;
}) {
  const { actor } = await requireBillingPage();
  const params = await searchParams;
  const now = new Date();
  const lastMonth = formatPeriod(monthStart(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))));
  const thisMonth = formatPeriod(monthStart(now));
  const parsed = periodSchema.safeParse(params.period);
  const period = parsed.success ? parsed.data : undefined;
  const status = STATUSES.find((s) => s === params.status);
  const page = pageSchema.parse(params.page);
  const { rows, total, sums } = await listInvoices({
    actor,
    filter: { periodStart: period ? parsePeriod(period) : undefined, status },
    page,
  });
  const months = Array.from({ length: 13 }, (_, i) => formatPeriod(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1))));
  const runPeriod = period ?? lastMonth;
  return (
    <>
      <PageHeader
        title="Invoices"
        description="The monthly invoice run makes one invoice per account: plan fees (pro-rated), approved overage, credits and charges. Running it again adds nothing twice."
      />
      <div className="mb-6 grid gap-4 lg:grid-cols-2">
        <FormCard
          title="Invoice run"
          description={`Makes or completes the month's DRAFT invoices. Issued invoices never change. Only a month that has ended can be run: until its last second a jail can still be ordered, cancelled or change plan in it, so ${thisMonth} can be run from ${formatDateTime(nextMonthStart(now))} on.`}
          action={runInvoiceRunAction}
          aria-label="Invoice run"
          className="flex flex-wrap items-end gap-3 space-y-0"
        >
          <MonthSelect id="run-period" months={months} defaultValue={runPeriod} current={thisMonth} />
          <SubmitButton pendingLabel="Running…">Run invoices</SubmitButton>
          {/* The month's refusal (e.g. not ended yet) is pinned to the field, so the form shows it here. */}
          <div className="basis-full">
            <FieldErrors name="period" />
          </div>
        </FormCard>
        <FormCard
          title="Issue drafts"
          description="Issues and mails every DRAFT invoice of a month; they fall due after the configured days."
          action={issueDraftsAction}
          aria-label="Issue drafts"
          className="flex flex-wrap items-end gap-3 space-y-0"
        >
          <MonthSelect id="issue-period" months={months} defaultValue={runPeriod} current={thisMonth} />
          <SubmitButton variant="secondary" pendingLabel="Issuing…">
            Issue all drafts
          </SubmitButton>
          <div className="basis-full">
            <FieldErrors name="period" />
          </div>
        </FormCard>
      </div>

      <form className="mb-4 flex flex-wrap items-center gap-2" role="search" aria-label="Filter invoices">
        <FilterSelect
          name="period"
          label="Month"
          value={period}
          anyLabel="All months"
          options={months.map((m) => ({ value: m, label: m }))}
          className="px-3"
        />
        <FilterSelect
          name="status"
          label="Status"
          value={status}
          anyLabel="Any status"
          options={STATUSES.map((s) => ({ value: s, label: s.toLowerCase() }))}
          className="px-3"
        />
        <button className={buttonClass("secondary", "sm")}>Filter</button>
        {period && (
          <span className="ml-auto flex gap-2">
            <a className={buttonClass("ghost", "sm")} href={`/billing/exports/invoices?period=${period}`}>
              Invoices CSV
            </a>
            <a className={buttonClass("ghost", "sm")} href={`/billing/exports/overage?period=${period}`}>
              Overage decisions CSV
            </a>
          </span>
        )}
      </form>
      {sums.length > 0 && (
        <p className="mb-3 text-sm text-zinc-600" data-testid="invoice-sums">
          {sums.map((s) => `${s._count} ${s.status.toLowerCase()} (${formatMoney(s._sum.totalCents ?? 0)})`).join(" · ")}
        </p>
      )}
      {rows.length === 0 ? (
        <EmptyState
          title="No invoices"
          description={period ? `Nothing for ${period} yet: run the invoice run for it.` : "Run the invoice run for a month."}
        />
      ) : (
        <InvoicesTable invoices={rows} basePath="/billing/invoices" showAccount />
      )}
      <Pagination page={page} pageSize={INVOICES_PAGE_SIZE} total={total} basePath="/billing/invoices" params={{ period, status }} />
    </>
  );
}
