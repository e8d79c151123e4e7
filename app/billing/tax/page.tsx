import type { Metadata } from "next";
import { TextField } from "@/components/forms/fields";
import { RowAction } from "@/components/forms/row-action";
import { FormCard } from "@/components/forms/form-card";
import { ListWithAside } from "@/components/layout/list-with-aside";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { SubmitButton } from "@/components/ui/submit-button";
import { Table, Td } from "@/components/ui/table";
import { requireBillingPage } from "@/lib/auth/session";
import { listTaxRates } from "@/lib/domain/billing/set-tax-rate";
import { formatRate, REVERSE_CHARGE_WORDING } from "@/lib/domain/billing/tax-rules";
import { formatDate } from "@/lib/format";
import { removeTaxRateAction, setTaxRateAction } from "../actions";

export const metadata: Metadata = { title: "Tax rates" };

export default async function TaxRatesPage() {
  const { actor } = await requireBillingPage();
  const rates = await listTaxRates({ actor });
  return (
    <>
      <PageHeader
        title="Tax rates"
        description="One rate per customer country. Invoices tax the sum of their lines once, rounded half away from zero to the cent. An EU business with a VAT number in another member state than the seller gets the reverse charge instead."
      />
      <ListWithAside
        aside={
          <FormCard
            title="Set a rate"
            description="Drafts take it at their next run or when issued; issued invoices keep theirs."
            action={setTaxRateAction}
            aria-label="Set tax rate"
            resetOnSuccess
          >
            <TextField name="country" label="Country" placeholder="DE" hint="Two-letter code." maxLength={2} />
            <TextField name="name" label="Name on the invoice" placeholder="VAT" />
            <TextField name="rate" label="Rate (%)" inputMode="decimal" placeholder="19" hint="0 to 50, at most two decimals." />
            <SubmitButton pendingLabel="Saving…">Save rate</SubmitButton>
          </FormCard>
        }
      >
        {rates.length === 0 ? (
          <EmptyState title="No tax rates" description="Invoices carry no tax until a rate is set for the customer's country." />
        ) : (
          <Table head={["Country", "Name", { label: "Rate", className: "text-right" }, "Changed", ""]}>
            {rates.map((r) => (
              <tr key={r.id} data-testid={`tax-rate-${r.country}`}>
                <Td className="font-mono">{r.country}</Td>
                <Td>{r.name}</Td>
                <Td className="text-right tabular-nums">{formatRate(r.rateBp)}</Td>
                <Td>{formatDate(r.updatedAt)}</Td>
                <Td className="text-right">
                  <RowAction
                    action={removeTaxRateAction}
                    fields={{ country: r.country }}
                    label="Remove"
                    pendingLabel="Removing…"
                    aria-label={`Remove ${r.country}`}
                    className="space-y-0"
                  />
                </Td>
              </tr>
            ))}
          </Table>
        )}
        <p className="mt-4 text-xs text-zinc-500">Reverse-charge invoices say: {REVERSE_CHARGE_WORDING}</p>
      </ListWithAside>
    </>
  );
}
