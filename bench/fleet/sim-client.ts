// One client process of the fleet simulator: plays a slice of the simulated hosts with the real
// agent's HTTP client (host-agent/api-client.ts: its headers, payloads and timeouts), driven by
// messages from bench/fleet.ts over IPC. Every request is timed here, and the process's own CPU
// time is reported, so a saturated client is seen as such and not blamed on the server.
import { AgentApi } from "@/host-agent/api-client";
import type { ClientCommand, ClientReport, SimHostSlice } from "./protocol";

let api = new Map<string, AgentApi>();
let hosts: SimHostSlice[] = [];

const send = (report: ClientReport) => process.send!(report);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Requests started and not yet settled: a hung request shows here rather than as a hung phase. */
let inFlight = 0;
const HARD_TIMEOUT_MS = 90_000;

/** Times `fn` into `into` (ms); a request not settled after HARD_TIMEOUT_MS fails. */
async function timed<T>(into: number[], fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  inFlight++;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${HARD_TIMEOUT_MS} ms`)), HARD_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    inFlight--;
    into.push(performance.now() - t0);
  }
}

/** Resolves when `work` does or after `ms`, whichever is first: a phase always reports. */
const atMost = (work: Promise<unknown>, ms: number) => Promise.race([work, sleep(ms)]);

function samplesFor(host: SimHostSlice, at: Date) {
  const sampledAt = at.toISOString();
  return host.jails.map((j, k) => ({
    jail: j.name,
    sampledAt,
    diskBytes: 1_073_741_824 + k * 1_048_576,
    memoryBytes: j.running ? 268_435_456 + k * 4096 : 0,
    cpuPercent: j.running ? (k % 40) + 0.5 : 0,
    processes: j.running ? 12 : 0,
    netRxBytes: 100_000 + k,
    netTxBytes: 50_000 + k,
  }));
}

/** Usage ingest: each host sends `rounds` batches, `concurrency` requests at a time from this process. */
async function ingest(rounds: number, firstAtMs: number, intervalMs: number, concurrency: number) {
  const ms: number[] = [];
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const errorSamples: string[] = [];
  // Every (host, round) batch, sent by `concurrency` senders: the server's rate, not a pile-up
  // of timeouts (real agents send at random offsets within their interval).
  const items = hosts.flatMap((h) => Array.from({ length: rounds }, (_, r) => ({ h, r })));
  let next = 0;
  const work = Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const { h, r } = items[next++]!;
        try {
          const res = await timed(ms, () => api.get(h.id)!.usage({ samples: samplesFor(h, new Date(firstAtMs + r * intervalMs)) }));
          accepted += res.accepted;
          duplicates += res.duplicates;
          rejected += res.rejected;
        } catch (err) {
          errors++;
          if (errorSamples.length < 3) errorSamples.push(String((err as Error).message).slice(0, 200));
        }
      }
    }),
  );
  await atMost(work, 6 * 60_000);
  const cpu = process.cpuUsage(cpu0);
  send({
    type: "ingest",
    ms,
    accepted,
    duplicates,
    rejected,
    errors,
    errorSamples,
    inFlight,
    wallMs: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
}

/**
 * The steady fleet for `durationMs`: per host a heartbeat every `heartbeatMs` (or the slower
 * pace the heartbeat answer asks for, as the real agent keeps) with its full
 * inventory, a long-polling lease loop that "works" `jobWorkMs` on each job then reports it
 * done, and one usage batch per `usageIntervalMs` at a random offset.
 */
async function fleet(durationMs: number, heartbeatMs: number, usageIntervalMs: number, jobWorkMs: number) {
  const heartbeatMsList: number[] = [];
  let askedHeartbeatMs = heartbeatMs;
  const usageMs: number[] = [];
  const completeMs: number[] = [];
  const leaseReturnMs: number[] = [];
  let leased = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  const fail = (err: unknown) => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(String((err as Error).message ?? err).slice(0, 200));
  };
  const cpu0 = process.cpuUsage();
  const until = Date.now() + durationMs;
  const abort = new AbortController();
  const stopTimer = setTimeout(() => abort.abort(), durationMs);
  const loops = hosts.flatMap((h) => {
    const a = api.get(h.id)!;
    const inventory = h.jails.map((j) => ({ name: j.name, jid: null, initPid: j.running ? 4242 : null, running: j.running }));
    const heartbeat = async () => {
      // As the agent does (host-agent/agent.ts): its own pace, or slower when the answer asks.
      let everyMs = heartbeatMs;
      await sleep(Math.random() * heartbeatMs);
      while (Date.now() < until) {
        const started = Date.now();
        try {
          const res = await timed(heartbeatMsList, () =>
            a.heartbeat({
              agentVersion: "fleet-sim",
              driver: "lxc",
              loadAverage: 0.5,
              ready: true,
              reason: null,
              facts: { kernel: "6.1.0-fleet", bridge: "cbbr0" },
              inventory,
            }),
          );
          everyMs = Math.max(heartbeatMs, (res.heartbeatIntervalSeconds ?? 0) * 1000);
          askedHeartbeatMs = Math.max(askedHeartbeatMs, everyMs);
        } catch (err) {
          fail(err);
        }
        await sleep(Math.max(0, everyMs - (Date.now() - started)));
      }
    };
    const lease = async () => {
      while (Date.now() < until) {
        try {
          const waitSeconds = Math.max(0, Math.min(25, Math.floor((until - Date.now()) / 1000) - 1));
          const { jobs } = await timed(leaseReturnMs, () => a.lease(waitSeconds, 2));
          leased += jobs.length;
          await Promise.all(
            jobs.map(async (job) => {
              await sleep(jobWorkMs);
              await timed(completeMs, () => a.complete(job.id, { status: "SUCCEEDED", attempt: job.attempt, result: { running: true } }));
            }),
          );
        } catch (err) {
          fail(err);
          await sleep(500);
        }
      }
    };
    const usage = async () => {
      let next = Date.now() + Math.random() * usageIntervalMs;
      while (next < until) {
        await sleep(next - Date.now());
        try {
          await timed(usageMs, () => a.usage({ samples: samplesFor(h, new Date()) }));
        } catch (err) {
          fail(err);
        }
        next += usageIntervalMs;
      }
    };
    return [heartbeat(), lease(), usage()];
  });
  await atMost(Promise.all(loops), durationMs + HARD_TIMEOUT_MS + 30_000);
  clearTimeout(stopTimer);
  const cpu = process.cpuUsage(cpu0);
  send({
    type: "fleet",
    heartbeatMs: heartbeatMsList,
    askedHeartbeatMs,
    usageMs,
    completeMs,
    leaseReturnMs,
    leased,
    errors,
    errorSamples,
    inFlight,
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
}

process.on("message", (msg: ClientCommand) => {
  const run = async () => {
    if (msg.type === "init") {
      hosts = msg.hosts;
      api = new Map(hosts.map((h) => [h.id, new AgentApi(msg.url, h.secret)]));
      send({ type: "ready" });
    } else if (msg.type === "ingest") {
      await ingest(msg.rounds, msg.firstAtMs, msg.intervalMs, msg.concurrency);
    } else if (msg.type === "fleet") {
      await fleet(msg.durationMs, msg.heartbeatMs, msg.usageIntervalMs, msg.jobWorkMs);
    } else if (msg.type === "exit") {
      process.exit(0);
    }
  };
  run().catch((err: Error) => send({ type: "error", message: err.stack ?? err.message }));
});
