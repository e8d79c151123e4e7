// bench/fleet: the control plane at fleet scale. 500 simulated hosts (BENCH_HOSTS) speak the real
// agent API over HTTP on 127.0.0.1 — enrolled through /api/agent/enroll, then heartbeats with
// full inventories, long-polled leases, completions and usage batches, with the agent's own HTTP
// client — against 100,000 jails (BENCH_JAILS_PER_HOST × hosts) and a year of DAY rollups made
// in SQL. Prints, each with its goal: usage ingest in samples/s against a plain COPY of as many
// rows (same run), heartbeat cost, lease latency under that load, and the server time of the
// admin and customer pages. Knobs: bench/fleet/config.ts. Never fails on timing.
import crypto from "node:crypto";
import { startStack } from "./lib/harness";
import { readConfig, GOALS, quantiles, verdict, machineLine, fmtMs } from "./fleet/config";
import { createSimHosts } from "./fleet/hosts";
import { readInventories, seedFleet, seedRollups } from "./fleet/seed-fleet";
import { startClients, type Clients } from "./fleet/clients";
import { measureIngest } from "./fleet/ingest";
import { runSteadyFleet } from "./fleet/steady";
import { logIn, timePage } from "./fleet/pages";
import { serverCpu } from "./fleet/cpu";
import { routeTimes, scrape } from "./fleet/server-metrics";
import { explainPages } from "./fleet/explain";
import path from "node:path";

const cfg = readConfig();
const METRICS_TOKEN = crypto.randomBytes(24).toString("hex");
const log = (line: string) => console.log(line);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

log(`fleet bench: ${cfg.hosts} hosts × ${cfg.jailsPerHost} jails; ${machineLine()}`);
const stack = await startStack({ webEnv: { METRICS_TOKEN, DB_POOL_MAX: String(cfg.dbPoolMax) } });
let clients: Clients | null = null;
try {
  const cpu = serverCpu(stack.children[0]!.pid!, path.join(stack.tmp, "pg"));
  let t = performance.now();
  const hosts = await createSimHosts(stack.db, stack.url, cfg.hosts, cfg.jailsPerHost + 50);
  log(`setup: ${hosts.length} hosts made and enrolled through /api/agent/enroll in ${secs(performance.now() - t)}`);
  t = performance.now();
  const data = await seedFleet(
    stack.databaseUrl,
    cfg,
    hosts.map((h) => h.id),
  );
  log(
    `setup: ${data.jails} jails, ${data.accounts} accounts, ${data.jobs} jobs, ` +
      `${data.rawSamples} raw samples in ${secs(performance.now() - t)} (${Object.entries(data.stepMs)
        .map(([k, v]) => `${k} ${secs(v)}`)
        .join(", ")})`,
  );
  const inventories = await readInventories(stack.databaseUrl);
  const slices = hosts.map((h) => ({ id: h.id, secret: h.secret, jails: inventories.get(h.id) ?? [] }));
  clients = await startClients(stack.url, slices, cfg.clientProcesses);

  // ── usage ingest vs COPY ──
  log(`ingest: ${cfg.hosts} hosts × ${cfg.ingestRounds} batches… (${new Date().toISOString()})`);
  let cpu0 = cpu.read();
  let m0 = await scrape(stack.url, METRICS_TOKEN);
  const ingest = await measureIngest({
    clients,
    hosts: slices,
    rounds: cfg.ingestRounds,
    concurrency: cfg.ingestConcurrency,
    databaseUrl: stack.databaseUrl,
    scratchDir: stack.tmp,
  });
  let m1 = await scrape(stack.url, METRICS_TOKEN);
  let cpu1 = cpu.read();
  const usageServer = routeTimes(m0, m1, "/api/agent/usage");
  const ratio = ingest.samplesPerSecond / ingest.copySamplesPerSecond;
  const b = quantiles(ingest.batchMs);
  log("");
  log(
    `usage ingest: ${ingest.samples} samples in ${b.n} batches of ${cfg.jailsPerHost} (${cfg.ingestConcurrency} in flight) in ${secs(ingest.wallMs)}`,
  );
  log(
    `  through POST /api/agent/usage: ${Math.round(ingest.samplesPerSecond)} samples/s (goal ≥ ${GOALS.ingestSamplesPerSecond}: ${verdict(ingest.samplesPerSecond >= GOALS.ingestSamplesPerSecond)})`,
  );
  log(
    `  floor, plain COPY of ${ingest.copyRows} rows into UsageSample: ${Math.round(ingest.copySamplesPerSecond)} samples/s (${secs(ingest.copyMs)})`,
  );
  log(`  endpoint / COPY: ${ratio.toFixed(2)} (goal ≥ ${GOALS.ingestFractionOfCopy}: ${verdict(ratio >= GOALS.ingestFractionOfCopy)})`);
  log(
    `  per batch: client p50 ${fmtMs(b.p50)}, p95 ${fmtMs(b.p95)}; server mean ${fmtMs(usageServer.meanMs)}, p95 ≈ ${fmtMs(usageServer.p95Ms)}`,
  );
  log(
    `  duplicates ${ingest.duplicates}, rejected ${ingest.rejected}, errors ${ingest.errors}, unanswered ${ingest.inFlight}${ingest.errorSamples.length ? ` (${ingest.errorSamples.slice(0, 2).join(" | ")})` : ""}`,
  );
  log(
    `  CPU: web ${secs(cpu1.webMs - cpu0.webMs)}, postgres ${secs(cpu1.pgMs - cpu0.pgMs)}, clients ${secs(ingest.clientCpuMs)} (of ${secs(ingest.wallMs * 2)} on 2 cores)`,
  );

  // ── steady fleet: heartbeats, leases, usage ──
  log(`steady fleet: ${cfg.fleetSeconds} s… (${new Date().toISOString()})`);
  cpu0 = cpu.read();
  m0 = await scrape(stack.url, METRICS_TOKEN);
  const steady = await runSteadyFleet(stack.db, clients, slices, cfg);
  m1 = await scrape(stack.url, METRICS_TOKEN);
  cpu1 = cpu.read();
  const hbClient = quantiles(steady.reports.flatMap((r) => r.heartbeatMs));
  const hbServer = routeTimes(m0, m1, "/api/agent/heartbeat");
  const leaseServer = routeTimes(m0, m1, "/api/agent/lease");
  const completeServer = routeTimes(m0, m1, "/api/agent/jobs/:id");
  const usageSteady = routeTimes(m0, m1, "/api/agent/usage");
  const lease = quantiles(steady.leaseMs);
  const clientCpu = steady.reports.reduce((s, r) => s + r.cpuMs, 0);
  const webCpu = cpu1.webMs - cpu0.webMs;
  const pgCpu = cpu1.pgMs - cpu0.pgMs;
  const paceSeconds = Math.max(...steady.reports.map((r) => r.askedHeartbeatMs)) / 1000;
  const offered = (cfg.hosts / paceSeconds).toFixed(0);
  log("");
  log(
    `steady fleet for ${secs(steady.wallMs)}: every host heartbeats every ${paceSeconds} s (agents' own ${cfg.heartbeatSeconds} s, ` +
      `slowed to the control plane's pace for ${cfg.hosts} hosts; ${offered}/s offered) with ${cfg.jailsPerHost} jails, long-polls, one usage batch per ${cfg.usageIntervalSeconds} s`,
  );
  log(
    `  heartbeats: ${hbClient.n} (${(hbClient.n / (steady.wallMs / 1000)).toFixed(0)}/s); server p50 ≈ ${fmtMs(hbServer.p50Ms)}, p95 ≈ ${fmtMs(hbServer.p95Ms)}, mean ${fmtMs(hbServer.meanMs)}; client round trip p50 ${fmtMs(hbClient.p50)}, p95 ${fmtMs(hbClient.p95)}`,
  );
  log(
    `  lease latency (queued → leased, ${steady.jobsQueued} jobs at ${cfg.jobsPerSecond}/s): p50 ${fmtMs(lease.p50)}, p95 ${fmtMs(lease.p95)}, max ${fmtMs(lease.max)} (goal p95 < ${GOALS.leaseP95Ms} ms: ${verdict(lease.p95 < GOALS.leaseP95Ms)}); never leased: ${steady.leaseMs.filter((x) => !Number.isFinite(x)).length}`,
  );
  log(
    `  server: lease requests ${leaseServer.n} (mean ${fmtMs(leaseServer.meanMs)} incl. long-poll), completions and progress ${completeServer.n} (mean ${fmtMs(completeServer.meanMs)}), usage batches ${usageSteady.n} (mean ${fmtMs(usageSteady.meanMs)})`,
  );
  log(
    `  CPU: web ${secs(webCpu)}, postgres ${secs(pgCpu)}, clients ${secs(clientCpu)} (of ${secs(steady.wallMs * 2)} on 2 cores); server CPU per heartbeat (all of the phase's server CPU / heartbeats, an upper bound) ${fmtMs((webCpu + pgCpu) / Math.max(1, hbClient.n))}`,
  );
  const errors = steady.reports.reduce((s, r) => s + r.errors, 0);
  log(
    `  client errors: ${errors}${
      errors
        ? ` (${steady.reports
            .flatMap((r) => r.errorSamples)
            .slice(0, 3)
            .join(" | ")})`
        : ""
    }`,
  );
  await clients.stop();
  clients = null;

  // ── rollups (only the pages read them), then the pages with the fleet quiet ──
  log("");
  t = performance.now();
  const rollups = await seedRollups(stack.databaseUrl, cfg);
  log(
    `setup: ${rollups.dayRollups} DAY rollups (${cfg.rollupDays} days × every jail) + ${rollups.hourRollups} HOUR rollups (${cfg.hourlyDays} days × the customer's jails) in ${secs(performance.now() - t)} (${Object.entries(
      rollups.stepMs,
    )
      .map(([k, v]) => `${k} ${secs(v)}`)
      .join(", ")})`,
  );
  log(`pages (${cfg.pageRounds} fetches each after 2 warm-ups, one at a time, simulated fleet stopped), goal p95 < ${GOALS.pageP95Ms} ms:`);
  const admin = await logIn(stack.url, "admin@cellblock.local", "x".repeat(16), stack.totpSecrets.admin);
  const customer = await logIn(stack.url, "demo@cellblock.local", "x".repeat(16));
  const customerJail = await stack.db.jail.findFirstOrThrow({
    where: { id: { startsWith: "fj" }, account: { users: { some: { email: "demo@cellblock.local" } } } },
    orderBy: { id: "asc" },
  });
  const pages = [
    { label: "admin jobs list", path: "/admin/jobs", cookie: admin },
    { label: "admin hosts list", path: "/admin/hosts", cookie: admin },
    { label: "admin fleet jail list", path: "/admin/jails", cookie: admin },
    { label: "customer jail page", path: `/jails/${customerJail.id}`, cookie: customer },
    { label: "customer dashboard", path: "/dashboard", cookie: customer },
  ];
  for (const p of pages) {
    const r = await timePage(stack.url, p.cookie, p.label, p.path, cfg.pageRounds);
    log(
      `  ${p.label.padEnd(22)} ${p.path.padEnd(20)} p50 ${fmtMs(r.p50).padStart(7)}, p95 ${fmtMs(r.p95).padStart(7)}, max ${fmtMs(r.max).padStart(7)} (${Math.round(r.bytes / 1024)} KB): ${verdict(r.p95 < GOALS.pageP95Ms)}`,
    );
  }
  if (process.env.BENCH_EXPLAIN === "1") {
    log("");
    log("EXPLAIN ANALYZE of the pages' main statements (hand copies of the ORM's queries):");
    for (const line of await explainPages(stack.databaseUrl, customerJail.id)) log(`  ${line}`);
  }
  log("");
  log(`done; ${machineLine()}`);
} finally {
  await clients?.stop();
  await stack.stop();
}
