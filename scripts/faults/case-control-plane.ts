// Fault cases about the control plane itself: two web servers and two workers on one
// database (the worker leader), and PostgreSQL SIGKILLed during an invoice run.
import { spawn } from "node:child_process";
import fs from "node:fs";
import pg from "pg";
import { seedInvoiceMonth } from "../../bench/lib/invoice-seed";
import { WORKER_INTERVAL_SECONDS, type FaultWorld, type Service } from "./environment";
import { until } from "./fleet";
import type { CaseResult } from "./matrix";

/**
 * Two web servers and two workers against one database for `ticks` ticks, then the leading
 * worker SIGKILLed and `ticks` more. Counts from WorkerTick (one row per tick run): ticks run,
 * ticks run twice (two ticks less than half an interval apart), ticks in which a task did not
 * run, leaders before and after the kill and how long the takeover took; from MailMessage:
 * mails per password-reset request queued for the worker to send (each must be sent once);
 * and the standby's "standing by" log line.
 */
export async function twoWebTwoWorkers(world: FaultWorld, { ticks }: { ticks: number }): Promise<CaseResult> {
  const web2 = await world.startWeb({ label: "web2" });
  const worker2 = world.startWorker("worker2");
  const workers: Service[] = [world.worker, worker2];
  // Counting starts once the second worker is up and has found the first one leading.
  await until("the second worker to stand by", async () => readLog(worker2.log).includes("standing by"), 180_000);
  const t0 = new Date();
  // Mail only the worker sends: reset requests written without the web's immediate send.
  const { requestPasswordReset } = await import("@/lib/domain/accounts/password-reset");
  const users = await world.db.user.findMany({ select: { email: true }, take: 3, orderBy: { email: "asc" } });
  for (const u of users) await requestPasswordReset({ email: u.email, sendInBackground: false });
  const tickRows = (from: Date) => world.db.workerTick.findMany({ where: { startedAt: { gte: from } }, orderBy: { startedAt: "asc" } });
  await until(`${ticks} ticks`, async () => (await tickRows(t0)).filter((t) => t.finishedAt).length >= ticks, ticks * 10_000 + 60_000);

  const before = await tickRows(t0);
  const leaderId = before.at(-1)!.workerId;
  const leader = workers.find((w) => String(w.child.pid) === leaderId.split(":").at(-2));
  if (!leader) throw new Error(`the leading worker ${leaderId} is not one of ours`);
  const standby = workers.find((w) => w !== leader)!;
  await world.stop(leader, "SIGKILL");
  const killedAt = new Date();
  await until(
    `${ticks} ticks after the leader was killed`,
    async () => (await tickRows(killedAt)).filter((t) => t.finishedAt && t.workerId !== leaderId).length >= ticks,
    ticks * 10_000 + 60_000,
  );
  const all = (await tickRows(t0)).filter((t) => t.finishedAt);
  // Run twice: two consecutive ticks less than half an interval apart — except the handover,
  // where the new leader's first tick may follow the killed one's last at any distance.
  const handover = all.findIndex((t) => t.startedAt >= killedAt);
  const doubled = all.filter(
    (t, i) => i > 0 && i !== handover && t.startedAt.getTime() - all[i - 1]!.startedAt.getTime() < (WORKER_INTERVAL_SECONDS * 1000) / 2,
  ).length;
  const taskCount = Math.max(...all.map((t) => t.tasks.length));
  const incomplete = all.filter((t) => t.error || t.tasks.length !== taskCount).length;
  const leadersBefore = new Set(all.filter((t) => t.startedAt < killedAt).map((t) => t.workerId));
  const after = all.filter((t) => t.startedAt >= killedAt);
  const leadersAfter = new Set(after.map((t) => t.workerId));
  const takeover = after.length ? (after[0]!.startedAt.getTime() - killedAt.getTime()) / 1000 : NaN;
  const mails = await world.db.mailMessage.groupBy({
    by: ["to"],
    where: { kind: "password-reset", to: { in: users.map((u) => u.email) }, createdAt: { gte: t0 } },
    _count: { _all: true },
  });
  const sent = mails.reduce((n, m) => n + m._count._all, 0);
  const duplicateMail = mails.reduce((n, m) => n + Math.max(0, m._count._all - 1), 0);
  const standingBy = readLog(standby.log).includes("standing by");

  // Leave one of each running, as the other cases expect.
  world.worker = standby;
  await world.stop(web2);
  const ok =
    doubled === 0 &&
    incomplete === 0 &&
    leadersBefore.size === 1 &&
    leadersAfter.size === 1 &&
    !leadersAfter.has(leaderId) &&
    sent === users.length &&
    duplicateMail === 0 &&
    standingBy;
  return {
    ok,
    counts:
      `${all.length} ticks, ${doubled} run twice, ${incomplete} missing a task (${taskCount} tasks each), ` +
      `${leadersBefore.size} leader then ${leadersAfter.size} after SIGKILL (took over in ${takeover.toFixed(1)} s), ` +
      `${users.length} reset requests → ${sent} mails, ${duplicateMail} duplicate, standby logged ${standingBy ? "standing by" : "NOTHING"}`,
  };
}

const PERIOD_START = new Date(Date.UTC(2026, 8, 1));
const RUN_AT = new Date(Date.UTC(2026, 9, 1, 2));
/** Where a kill lands: the statement of the run that is executing (pg_stat_activity). */
const KILL_POINTS = [
  { name: "invoices", pattern: 'INSERT INTO "Invoice" (%' },
  { name: "plan lines", pattern: 'INSERT INTO "InvoiceLine"%' },
  { name: "tax and totals", pattern: 'UPDATE "Invoice" inv%' },
];

/**
 * PostgreSQL's postmaster SIGKILLed while an invoice run is executing, `kills` times at
 * different statements, each time restarted (crash recovery); then the run once to the end and
 * once more. Counts from the database: invoices per account and month (duplicates), invoices
 * whose total differs from the sum of their lines, accounts left without an invoice; and
 * whether the web server and the worker came back after the restarts.
 */
export async function postgresKilledDuringInvoiceRun(
  world: FaultWorld,
  { kills, accounts }: { kills: number; accounts: number },
): Promise<CaseResult> {
  const url = await world.freshDatabase("cb_faults_invoices");
  const seed = new pg.Client({ connectionString: url });
  await seed.connect();
  await seedInvoiceMonth(seed, { accounts, jailsPerAccount: 2, periodStart: PERIOD_START });
  await seed.end();

  const landed: string[] = [];
  for (let i = 0; i < kills; i++) {
    const point = KILL_POINTS[i % KILL_POINTS.length]!;
    const child = invoiceRun(url);
    const watcher = new pg.Client({ connectionString: world.pg.serverUrl });
    await watcher.connect();
    try {
      await until(
        `the invoice run to reach "${point.name}"`,
        async () => {
          if (child.exitCode !== null) throw new Error(`the invoice run ended (${child.exitCode}) before the kill at "${point.name}"`);
          const { rowCount } = await watcher.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = 'cb_faults_invoices' AND state = 'active' AND query LIKE $1`,
            [`%${point.pattern}`],
          );
          return (rowCount ?? 0) > 0;
        },
        120_000,
      );
      world.pg.killPostmaster();
    } finally {
      await watcher.end().catch(() => {});
    }
    const code = await exited(child);
    landed.push(`${point.name}${code === 0 ? " (the run still succeeded)" : ""}`);
    await world.pg.restart();
  }
  const restartedAt = new Date();
  for (const which of ["the invoice run after the restarts", "the second invoice run"]) {
    const child = invoiceRun(url);
    if ((await exited(child)) !== 0) throw new Error(`${which} failed: ${child.stderrTail()}`);
  }

  const check = new pg.Client({ connectionString: url });
  await check.connect();
  const [c] = (
    await check.query(
      `SELECT (SELECT count(*) FROM "Invoice" WHERE "periodStart" = $1)::int AS "invoices",
              (SELECT count(*) FROM (SELECT 1 FROM "Invoice" WHERE "periodStart" = $1 GROUP BY "accountId" HAVING count(*) > 1) d)::int AS "duplicates",
              (SELECT count(*) FROM "Invoice" i WHERE i."periodStart" = $1 AND i."totalCents" <>
                 (SELECT COALESCE(sum(l."amountCents"), 0) FROM "InvoiceLine" l WHERE l."invoiceId" = i."id"))::int AS "badTotals",
              (SELECT count(*) FROM "Account" a WHERE NOT EXISTS (SELECT 1 FROM "Invoice" i WHERE i."accountId" = a."id" AND i."periodStart" = $1))::int AS "unbilled",
              (SELECT count(*) FROM "InvoiceLine" l JOIN "Invoice" i ON i."id" = l."invoiceId" WHERE i."periodStart" = $1)::int AS "lines"`,
      [PERIOD_START],
    )
  ).rows as Array<{ invoices: number; duplicates: number; badTotals: number; unbilled: number; lines: number }>;
  await check.end();
  // The control plane rode out the restarts: the web answers and the worker ticked since.
  const webBack = await until(
    "the web server to answer again",
    async () => (await fetch(`${world.web.url}/login`).catch(() => null))?.ok,
    60_000,
  ).catch(() => false);
  const workerBack = await until(
    "a worker tick after the restart",
    // A pooled connection that died with the old server fails once: ask again.
    async () =>
      (await world.db.workerTick.count({ where: { startedAt: { gt: restartedAt }, finishedAt: { not: null } } }).catch(() => 0)) > 0,
    60_000,
  ).catch(() => false);
  const ok =
    c!.duplicates === 0 && c!.badTotals === 0 && c!.unbilled === 0 && c!.invoices === accounts && Boolean(webBack) && Boolean(workerBack);
  return {
    ok,
    counts:
      `${kills} kills (during ${landed.join(", ")}), ${c!.invoices} invoices for ${accounts} accounts (${c!.lines} lines), ${c!.duplicates} duplicate, ` +
      `${c!.badTotals} totals ≠ sum of lines, ${c!.unbilled} accounts unbilled; web ${webBack ? "back" : "NOT back"}, worker ${workerBack ? "ticking" : "NOT ticking"}`,
  };
}

/** The invoice run in a process of its own (its connections die with the server, as a worker's would). */
function invoiceRun(url: string) {
  const child = spawn(
    process.execPath,
    [
      "--conditions=react-server",
      "--import",
      "tsx",
      "scripts/faults/invoice-run-child.ts",
      PERIOD_START.toISOString(),
      RUN_AT.toISOString(),
    ],
    { cwd: process.cwd(), stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, DATABASE_URL: url, NODE_ENV: "production" } },
  );
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  return Object.assign(child, { stderrTail: () => err });
}

function readLog(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return ""; // not written yet
  }
}

function exited(child: ReturnType<typeof spawn>): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once("exit", (code) => r(code ?? 1)));
}
