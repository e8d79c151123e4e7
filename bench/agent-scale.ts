// bench/agent-scale: one host agent with many real jails. BENCH_JAILS (default 200) busybox
// jails of the Cell plan are made through the control plane and the agent (CREATE jobs, real
// LXC containers on xfs images, no network: the bench measures the agent, not the bridge), then
// the agent is left to poll their usage on its own timer. Prints:
//   - the agent's resident memory (VmRSS, and the peak VmHWM, from /proc/<pid>/status) with that
//     many jails, against the same agent's RSS with none, measured in the same run; then the
//     agent restarted under Node's default heap sizes and again as shipped (AGENT_NODE_FLAGS),
//     same jails, for what the Node options are worth;
//   - the time of one usage poll of every jail, from the agent's own metrics
//     (cellblock_agent_usage_poll_duration_seconds over the polls after the last create), and
//     the same call (LxcDriver.usage of every name) timed in this process as a cross-check.
// Goals (issue 14): < 80 MB and < 2 s with 200 jails. Never part of `npm test`.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { freePort } from "../scripts/lib/embedded-postgres";
import { startHarness, stats } from "./lib/harness";
import { queueBenchCreate } from "./lib/queue-create";
import { AGENT_NODE_FLAGS } from "../lib/hosts/agent-launch";

const N = Number(process.env.BENCH_JAILS ?? 200);
const POLL_SECONDS = 15;
const metricsPort = await freePort();
const metricsToken = crypto.randomBytes(24).toString("hex");
const h = await startHarness({
  bridge: null,
  // Loopback and RFC 1918 ranges that carry no traffic here (no bridge): room for 500 jails.
  publicPoolCidr: "127.76.0.0/23",
  privateNetblock: "10.198.0.0/23",
  ipv6Prefix: null,
  agentEnv: {
    USAGE_INTERVAL: String(POLL_SECONDS),
    AGENT_MAX_JOBS: "2",
    AGENT_METRICS_LISTEN: `127.0.0.1:${metricsPort}`,
    AGENT_METRICS_TOKEN: metricsToken,
  },
});
const made: string[] = [];

/** A line of /proc/<pid>/status in MB (proc(5): VmRSS, VmHWM are in kB). */
function procMb(field: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(fs.readFileSync(`/proc/${h.agentPid}/status`, "utf8"));
  return Math.round(Number(m![1]) / 1024);
}

async function pollHistogram(): Promise<{ count: number; sum: number }> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
  const text = await res.text();
  const read = (suffix: string) =>
    Number(new RegExp(`^cellblock_agent_usage_poll_duration_seconds_${suffix} ([0-9.e+-]+)$`, "m").exec(text)?.[1] ?? 0);
  return { count: read("count"), sum: read("sum") };
}

try {
  const plan = await h.db.plan.findFirstOrThrow({ where: { slug: "cell" } });
  // On the lxc driver this template is the small busybox userland (prisma/seed.ts).
  const template = await h.db.template.findFirstOrThrow({ where: { slug: "freebsd-base" } });
  const account = await h.db.account.findFirstOrThrow();
  const host = await h.db.host.findUniqueOrThrow({ where: { id: h.hostId } });
  await new Promise((r) => setTimeout(r, 3000));
  const idleRssMb = procMb("VmRSS");

  const started = Date.now();
  const jobIds: string[] = [];
  for (let i = 0; i < N; i++) {
    const tag = `${process.pid % 10000}${String(i).padStart(4, "0")}`;
    const { jobId, name } = await queueBenchCreate(h.db, {
      name: `cbscale${tag}`,
      hostname: `s${tag}.bench.test`,
      accountId: account.id,
      plan,
      template,
      host,
    });
    made.push(name);
    jobIds.push(jobId);
  }
  for (;;) {
    const open = await h.db.job.count({ where: { id: { in: jobIds }, status: { in: ["QUEUED", "RUNNING"] } } });
    const failed = await h.db.job.findFirst({ where: { id: { in: jobIds }, status: "FAILED" } });
    if (failed) throw new Error(`a create failed: ${failed.error}`);
    if (open === 0) break;
    process.stdout.write(`\r${N - open}/${N} jails made`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  const createSeconds = (Date.now() - started) / 1000;
  console.log(`\r${N} jails made through the agent in ${createSeconds.toFixed(0)} s`);

  /** Waits for `n` full polls on the agent's own timer; the mean poll time in ms. */
  async function polls(n: number) {
    const before = await pollHistogram();
    let after = before;
    while (after.count < before.count + n) {
      await new Promise((r) => setTimeout(r, 2000));
      after = await pollHistogram();
    }
    return { meanMs: ((after.sum - before.sum) / (after.count - before.count)) * 1000, count: after.count - before.count };
  }
  // Three full polls after the last create, as shipped (AGENT_NODE_FLAGS).
  const poll = await polls(3);
  const agentPollMs = poll.meanMs;
  const rssMb = procMb("VmRSS");
  const hwmMb = procMb("VmHWM");
  // The same agent, same jails, restarted under Node's default heap sizes, then as shipped
  // again: a like-for-like comparison (each after its recovery pass and three polls).
  await h.restartAgent([]);
  await polls(3);
  const plain = { rss: procMb("VmRSS"), hwm: procMb("VmHWM") };
  await h.restartAgent();
  await polls(3);
  const shipped = { rss: procMb("VmRSS"), hwm: procMb("VmHWM") };

  const { LxcDriver } = await import("../host-agent/drivers/lxc/driver");
  const { systemRunner } = await import("../host-agent/exec");
  const { nodeDriverFs } = await import("../host-agent/drivers/driver-fs");
  const driver = new LxcDriver({ runner: systemRunner, fs: await nodeDriverFs(), bridge: null });
  const direct: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const usage = await driver.usage(made);
    direct.push(Math.round(performance.now() - t0));
    if (usage.length !== N) throw new Error(`usage of ${usage.length} jails, expected ${N}`);
  }
  const d = stats(direct);

  console.log(
    `machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GB; ${new Date().toISOString()}`,
  );
  console.log(
    `agent resident memory (${AGENT_NODE_FLAGS.join(" ")}): ${rssMb} MB with ${N} jails (peak ${hwmMb} MB through the creates), ` +
      `${idleRssMb} MB with none — goal < 80 MB ${hwmMb < 80 ? "met" : "NOT met"}`,
  );
  console.log(
    `restarted with the same ${N} jails, after its recovery pass and 3 polls: ${shipped.rss} MB (peak ${shipped.hwm} MB) as shipped, ` +
      `${plain.rss} MB (peak ${plain.hwm} MB) under Node's default heap sizes — ratio ${(shipped.hwm / plain.hwm).toFixed(2)} of peaks`,
  );
  console.log(
    `usage poll of ${N} jails: ${agentPollMs.toFixed(0)} ms per poll in the agent (mean of ${poll.count}), ` +
      `${d.median} ms median in this process (min ${d.min}, max ${d.max}) — goal < 2000 ms ${Math.max(agentPollMs, d.median) < 2000 ? "met" : "NOT met"}`,
  );
} finally {
  const { LxcDriver } = await import("../host-agent/drivers/lxc/driver");
  const { systemRunner } = await import("../host-agent/exec");
  const { nodeDriverFs } = await import("../host-agent/drivers/driver-fs");
  const driver = new LxcDriver({ runner: systemRunner, fs: await nodeDriverFs(), bridge: null });
  await h.stop();
  for (const name of made) await driver.destroy(name).catch((err: Error) => console.error(`cleanup of ${name}: ${err.message}`));
}
