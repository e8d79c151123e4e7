// `npm run test:faults`: the fault matrix. Starts its own PostgreSQL, database, production
// build, web server, worker and real host agents (lxc driver, under an LXC path of this run's
// own), injects each fault and prints one line per case with what it counted in the database
// and on the host. Exits non-zero when any count is wrong. Cases: scripts/faults/matrix.ts.
//
//   npm run test:faults                       the whole matrix (about 20 minutes)
//   npm run test:faults -- --fast             the small variant npm test runs (a 20 s outage, 2 kills…)
//   npm run test:faults -- --only outage,clock-skew
//   FAULTS_OUTAGE_SECONDS=60 npm run test:faults   a shorter outage (the line says what ran)
//
// Needs root and the LXC tools (as the e2e suite does); ends everything it started and destroys
// every container it made, however it ends.
import { localHostUnavailableReason } from "./lib/local-agent";
import { startFaultWorld, type FaultWorld } from "./faults/environment";
import { FAULT_CASES, runMatrix } from "./faults/matrix";
import { stopAllAgents } from "./faults/fleet";

const args = process.argv.slice(2);
const fast = args.includes("--fast");
const onlyAt = args.indexOf("--only");
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? "").split(",").filter(Boolean) : [];
const unknown = only.filter((id) => !FAULT_CASES.some((c) => c.id === id));
if (unknown.length) {
  console.error(`unknown case(s): ${unknown.join(", ")}; cases: ${FAULT_CASES.map((c) => c.id).join(", ")}`);
  process.exit(2);
}
const outageSeconds = Number(process.env.FAULTS_OUTAGE_SECONDS ?? (fast ? 20 : 600));
if (!Number.isInteger(outageSeconds) || outageSeconds < 5) {
  console.error(`FAULTS_OUTAGE_SECONDS must be a whole number ≥ 5, not ${process.env.FAULTS_OUTAGE_SECONDS}`);
  process.exit(2);
}
const log = (m: string) => console.log(`[faults] ${m}`);

let world: FaultWorld | undefined;

async function main(): Promise<number> {
  const started = Date.now();
  const unavailable = localHostUnavailableReason();
  if (unavailable) throw new Error(`the fault matrix runs real agents: ${unavailable}`);
  log(`starting PostgreSQL, the app, a worker (${fast ? "fast variant" : "full matrix"})`);
  world = await startFaultWorld(log);
  // The e2e helpers the cases reuse (enrolment, ordering) and the domain functions they call
  // read these.
  Object.assign(process.env, {
    E2E_DATABASE_URL: world.databaseUrl,
    E2E_BASE_URL: world.web.url,
    DATABASE_URL: world.databaseUrl,
    NEXTAUTH_SECRET: world.env.NEXTAUTH_SECRET,
    APP_URL: world.web.url,
  });
  log(`ready in ${Math.round((Date.now() - started) / 1000)} s; logs in ${world.tmp} (KEEP_TEST_TMP=1 keeps them)`);
  const ok = await runMatrix(world, { fast, outageSeconds }, only, (line) => console.log(line));
  log(`${ok ? "passed" : "FAILED"} in ${Math.round((Date.now() - started) / 1000)} s`);
  return ok ? 0 : 1;
}

let exiting = false;
async function finish(code: number) {
  if (exiting) return;
  exiting = true;
  // Agents first: one still running could make a container again while they are destroyed.
  await stopAllAgents().catch((err) => console.error("[faults] stopping agents failed:", err));
  await world?.close().catch((err) => console.error("[faults] cleanup failed:", err));
  process.exit(code);
}
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => void finish(130));

main().then(
  (code) => finish(code),
  (err) => {
    console.error("[faults] failed:", err);
    return finish(1);
  },
);
