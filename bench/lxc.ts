// bench/lxc: the agent's overhead on a container's create + start. The same work two ways in
// the same run: (a) a CREATE job through the control plane and the agent (queue → lease →
// lxc-create, config, limits, start → report), timed from the job's createdAt to finishedAt;
// (b) raw `lxc-create -t busybox` + `lxc-start -d` + `lxc-wait RUNNING` from this script.
// Prints medians and the ratio (a)/(b). Target: ratio < 1.5.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { allocateAddress } from "@/lib/domain/ipam/allocate-address";
import { jailSpecOf } from "@/lib/domain/jails/jail-spec";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { startHarness, stats } from "./lib/harness";

const N = Number(process.env.BENCH_ROUNDS ?? 5);
const h = await startHarness();
const made: string[] = [];
try {
  const plan = await h.db.plan.findFirstOrThrow({ where: { slug: "cell" } });
  const template = await h.db.template.findFirstOrThrow({ where: { slug: "freebsd-base" } });
  const account = await h.db.account.findFirstOrThrow();
  const host = await h.db.host.findUniqueOrThrow({ where: { id: h.hostId } });
  const agentMs: number[] = [];
  const rawMs: number[] = [];
  const conf = path.join(os.tmpdir(), "bench-lxc.conf");
  fs.writeFileSync(conf, "lxc.net.0.type = empty\n");
  for (let i = 0; i < N; i++) {
    const tag = `${process.pid}${i}${Date.now() % 100000}`;
    // (a) through the agent
    const { jobId, name } = await h.db.$transaction(async (tx) => {
      const jail = await tx.jail.create({
        data: {
          hostname: `b${tag}.bench.test`,
          name: `cbbench${tag}`,
          accountId: account.id,
          planId: plan.id,
          templateId: template.id,
          hostId: h.hostId,
        },
      });
      await allocateAddress(tx as never, { hostId: h.hostId, kind: "PRIVATE", jailId: jail.id });
      const ipAddresses = await tx.ipAddress.findMany({ where: { jailId: jail.id } });
      const job = await enqueueJob(tx as never, {
        hostId: h.hostId,
        jailId: jail.id,
        type: "CREATE",
        payload: { jail: jailSpecOf({ ...jail, plan, template, host, ipAddresses }), sshKeys: [], start: true },
      });
      return { jobId: job.id, name: jail.name };
    });
    made.push(name);
    let job = await h.db.job.findUniqueOrThrow({ where: { id: jobId } });
    while (job.status !== "SUCCEEDED" && job.status !== "FAILED") {
      await new Promise((r) => setTimeout(r, 20));
      job = await h.db.job.findUniqueOrThrow({ where: { id: jobId } });
    }
    if (job.status !== "SUCCEEDED") throw new Error(`create failed: ${job.error}`);
    agentMs.push(job.finishedAt!.getTime() - job.createdAt.getTime());

    // (b) raw LXC
    const raw = `cbraw${tag}`;
    made.push(raw);
    const t0 = performance.now();
    execFileSync("lxc-create", ["-n", raw, "-t", "busybox", "-f", conf], { stdio: "ignore" });
    execFileSync("lxc-start", ["-n", raw, "-d"], { stdio: "ignore" });
    execFileSync("lxc-wait", ["-n", raw, "-s", "RUNNING", "-t", "30"], { stdio: "ignore" });
    rawMs.push(Math.round(performance.now() - t0));
  }
  const a = stats(agentMs);
  const b = stats(rawMs);
  console.log(`lxc create+start through the agent: median ${a.median} ms (min ${a.min}, max ${a.max}, n=${a.n})`);
  console.log(`lxc create+start raw (lxc-create + lxc-start + lxc-wait): median ${b.median} ms (min ${b.min}, max ${b.max}, n=${b.n})`);
  const ratio = a.median / b.median;
  console.log(`agent overhead ratio: ${ratio.toFixed(2)} — target < 1.5 ${ratio < 1.5 ? "met" : "NOT met"}`);
} finally {
  for (const name of made) {
    try {
      execFileSync("lxc-destroy", ["-f", "-n", name], { stdio: "ignore" });
    } catch {}
  }
  await h.stop();
}
