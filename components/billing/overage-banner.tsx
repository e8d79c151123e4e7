// The portal's banner for a customer with jails over a limit: which jail, and the date grace
// ends. Rendered by the portal layout on every page.
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { listOpenOverageCases } from "@/lib/domain/billing/get-customer-billing";
import { formatDate } from "@/lib/format";
import type { CustomerActor } from "@/lib/domain/actor";

export async function OverageBanner({ actor }: { actor: CustomerActor }) {
  const cases = await listOpenOverageCases({ actor });
  if (cases.length === 0) return null;
  return (
    <div className="px-4 pt-4 sm:px-6" data-testid="overage-banner">
      <Alert
        tone="warning"
        title={cases.length === 1 ? "A jail is over its plan's limit." : `${cases.length} jails are over their plan's limits.`}
      >
        <ul className="list-disc pl-5">
          {cases.map((c) => (
            <li key={c.id}>
              <span className="font-mono">{c.jail.hostname}</span>: {c.kind === "DISK" ? "disk space" : "monthly transfer"}{" "}
              {c.status !== "GRACE" ? (
                "— grace has ended; billing is reviewing the excess."
              ) : c.kind === "DISK" ? (
                <>
                  — bring it back under by <strong>{formatDate(c.graceEndsAt)}</strong> to avoid a charge.
                </>
              ) : (
                <>
                  — keep its transfer within the allowance until <strong>{formatDate(c.graceEndsAt)}</strong> to avoid a charge.
                </>
              )}
            </li>
          ))}
        </ul>
        <Link href="/invoices" className="mt-1 inline-block font-medium underline">
          Billing details
        </Link>
      </Alert>
    </div>
  );
}
