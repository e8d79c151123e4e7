// The fault matrix: which cases run, with what sizes in the full run (`npm run test:faults`)
// and in the fast variant `npm test` runs (`--fast`), and the one line each case prints.
import type { FaultWorld } from "./environment";
import { agentSigkillMidCreate, agentStateWiped } from "./case-agent-kill";
import { clockSkew, controlPlaneOutage, reportingHosts } from "./case-usage";
import { postgresKilledDuringInvoiceRun, twoWebTwoWorkers } from "./case-control-plane";

/** What a case found: `ok` when every count is what it must be; `counts` in words, from the database and the host. */
export type CaseResult = { ok: boolean; counts: string };

export type MatrixOptions = {
  fast: boolean;
  /** Length of the control-plane outage, s (full: 600; fast: 20). */
  outageSeconds: number;
};

type FaultCase = { id: string; label: (o: MatrixOptions) => string; run: (world: FaultWorld, o: MatrixOptions) => Promise<CaseResult> };

const kills = (o: MatrixOptions) => (o.fast ? 2 : 20);
const pgKills = (o: MatrixOptions) => (o.fast ? 1 : 3);

export const FAULT_CASES: FaultCase[] = [
  {
    id: "agent-sigkill",
    label: (o) => `agent SIGKILL mid-create ×${kills(o)}`,
    run: (w, o) => agentSigkillMidCreate(w, { kills: kills(o) }),
  },
  { id: "state-wiped", label: () => "agent state directory wiped", run: (w) => agentStateWiped(w) },
  { id: "clock-skew", label: () => "host clocks 10 min fast and 10 min slow", run: (w, o) => clockSkew(w, { samples: o.fast ? 5 : 20 }) },
  {
    id: "outage",
    label: (o) => `control plane stopped ${o.outageSeconds >= 60 ? `${+(o.outageSeconds / 60).toFixed(1)} min` : `${o.outageSeconds} s`}`,
    run: (w, o) => controlPlaneOutage(w, { seconds: o.outageSeconds }),
  },
  { id: "two-workers", label: () => "2 web servers + 2 workers", run: (w, o) => twoWebTwoWorkers(w, { ticks: o.fast ? 4 : 10 }) },
  {
    id: "postgres-kill",
    label: (o) => `Postgres SIGKILL during invoice run ×${pgKills(o)}`,
    run: (w, o) => postgresKilledDuringInvoiceRun(w, { kills: pgKills(o), accounts: o.fast ? 1500 : 3000 }),
  },
];

/**
 * Runs the cases named in `only` (all when empty) in order and prints one line each:
 * `<label>: <counts> — ok|FAILED (<s> s)`. A case that throws fails with its error. Returns
 * whether every case was ok.
 */
export async function runMatrix(world: FaultWorld, o: MatrixOptions, only: string[], print: (line: string) => void): Promise<boolean> {
  let allOk = true;
  const cases = FAULT_CASES.filter((x) => only.length === 0 || only.includes(x.id));
  // The usage cases' hosts and jails are made while the first cases run (their errors surface
  // in the cases that use them).
  if (cases.some((c) => c.id === "clock-skew" || c.id === "outage")) reportingHosts(world).catch(() => {});
  for (const c of cases) {
    const started = Date.now();
    let r: CaseResult;
    try {
      r = await c.run(world, o);
    } catch (err) {
      r = { ok: false, counts: `error: ${(err as Error).message.split("\n")[0]}` };
    }
    allOk &&= r.ok;
    print(`${c.label(o)}: ${r.counts} — ${r.ok ? "ok" : "FAILED"} (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  return allOk;
}
