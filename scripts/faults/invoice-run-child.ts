// One invoice run, in a process of its own, for the fault matrix's Postgres-kill case:
//   node --conditions=react-server --import tsx scripts/faults/invoice-run-child.ts <periodStart ISO> <now ISO>
// with DATABASE_URL set. Prints the run's result as JSON; exits 1 when the run fails.
import { runInvoiceRun } from "@/lib/domain/billing/run-invoice-run";

const [periodStart, now] = process.argv.slice(2);
if (!periodStart || !now) {
  console.error("usage: invoice-run-child.ts <periodStart ISO> <now ISO>");
  process.exit(2);
}
runInvoiceRun({ actor: { kind: "system", name: "fault matrix" }, periodStart: new Date(periodStart), now: new Date(now) })
  .then((r) => {
    console.log(JSON.stringify(r));
    process.exit(0);
  })
  .catch((err) => {
    console.error(`invoice run failed: ${(err as Error).message}`);
    process.exit(1);
  });
