// bench/lxc: the agent's overhead on a real-OS jail's create + start, the Debian 12 template.
// The same work two ways in the same run, both ending when the jail's sshd listens (the moment
// a customer can log in):
//   (a) a CREATE job through the control plane and the agent (queue → lease → disk image,
//       unpack, seed, config, bridge and NAT, start, wait for sshd, fingerprint → report), timed
//       from the job's createdAt to its finishedAt;
//   (b) the raw steps from this script: truncate + mkfs.xfs + mount, tar -x of the same cached
//       template, a minimal config with the plan's cgroup limits (the same jail: its boot under
//       the plan's CPU share is the plan's cost, not the agent's) but no network (the agent's
//       bridge, veth and NAT count as its overhead), lxc-start, wait until sshd listens.
// Before that, the template itself: a BUILD_TEMPLATE job into an empty cache (mmdebstrap from
// this machine's apt sources), whose time is printed too. BENCH_TEMPLATE_CACHE=<dir> reuses a
// cache instead (the build then reports "cached"). Prints medians and the ratio (a)/(b).
// Target: ratio ≤ 1.5. BENCH_ROUNDS (default 5).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { templateSpecOf } from "@/lib/domain/jails/jail-spec";
import { ensureTemplateBuild } from "@/lib/domain/templates/ensure-template-build";
import { cgroupLimits, realOsBaseConfig } from "../host-agent/drivers/lxc/config-file";
import { mmdebstrapRecipe, templateArchive, templateKey } from "../host-agent/drivers/lxc/templates";
import { startHarness, stats } from "./lib/harness";
import { queueBenchCreate } from "./lib/queue-create";

const N = Number(process.env.BENCH_ROUNDS ?? 5);
const LXC = "/var/lib/lxc";
const cache = process.env.BENCH_TEMPLATE_CACHE
  ? path.resolve(process.env.BENCH_TEMPLATE_CACHE)
  : fs.mkdtempSync(path.join(os.tmpdir(), "bench-templates-"));
const h = await startHarness({
  templateCache: cache,
  bridge: "cbbr0",
  publicPoolCidr: "127.77.253.0/28",
  ipv6Prefix: "fd0c:b10c:ce11:fd::/64",
});
const madeByAgent: string[] = [];
const madeRaw: string[] = [];
const sh = (argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { stdio: "ignore" });

async function waitJob(id: string) {
  for (;;) {
    const job = await h.db.job.findUniqueOrThrow({ where: { id } });
    if (job.status === "SUCCEEDED") return job;
    if (job.status === "FAILED" || job.status === "CANCELLED") throw new Error(`${job.type} ${job.status}: ${job.error}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether something in the container listens on TCP port 22 (proc(5) net/tcp{,6}: state 0A). */
function sshdListening(name: string): boolean {
  try {
    const pid = execFileSync("lxc-info", ["-n", name, "-p", "-H"], { encoding: "utf8" }).trim();
    return ["tcp", "tcp6"].some((f) =>
      fs
        .readFileSync(`/proc/${pid}/net/${f}`, "utf8")
        .split("\n")
        .some((l) => / [0-9A-F]+:0016 [0-9A-F]+:0000 0A /.test(l)),
    );
  } catch {
    return false;
  }
}

try {
  const plan = await h.db.plan.findFirstOrThrow({ where: { slug: "cell" } });
  const template = await h.db.template.findFirstOrThrow({ where: { slug: "debian-12" } });
  const account = await h.db.account.findFirstOrThrow();
  const host = await h.db.host.findUniqueOrThrow({ where: { id: h.hostId } });

  // The template, once, through the agent.
  const build = await h.db.$transaction((tx) => ensureTemplateBuild(tx as never, { host: { id: host.id, driver: "LXC" }, template }));
  if (!build) throw new Error("the template needed no build");
  const built = await waitJob(build.jobId);
  const buildSeconds = (built.finishedAt!.getTime() - built.startedAt!.getTime()) / 1000;
  const result = built.result as { templateBytes?: number; note?: string };
  const spec = templateSpecOf(template);
  const archive = templateArchive(cache, templateKey(spec, mmdebstrapRecipe(spec)!));

  const agentMs: number[] = [];
  const dispatchMs: number[] = [];
  const rawMs: number[] = [];
  for (let i = 0; i < N; i++) {
    const tag = `${process.pid}${i}${Date.now() % 100000}`;
    // (a) through the agent
    const { jobId, name } = await queueBenchCreate(h.db, {
      name: `cbbench${tag}`,
      hostname: `b${tag}.bench.test`,
      accountId: account.id,
      plan,
      template,
      host,
      ipv6: true,
    });
    madeByAgent.push(name);
    const job = await waitJob(jobId);
    if (!sshdListening(name)) throw new Error(`the agent reported ${name} running before its sshd listened`);
    agentMs.push(job.finishedAt!.getTime() - job.createdAt.getTime());
    dispatchMs.push(job.startedAt!.getTime() - job.createdAt.getTime());

    // (b) the raw steps
    const raw = `cbraw${tag}`;
    const dir = path.join(LXC, raw);
    madeRaw.push(raw);
    const t0 = performance.now();
    fs.mkdirSync(dir, { mode: 0o700 });
    sh(["truncate", "-s", String(plan.diskQuotaMb * 1024 * 1024), `${dir}/rootfs.img`]);
    sh(["mkfs.xfs", "-q", "-f", `${dir}/rootfs.img`]);
    fs.mkdirSync(`${dir}/rootfs`);
    sh(["mount", "-t", "xfs", "-o", "loop", `${dir}/rootfs.img`, `${dir}/rootfs`]);
    sh(["tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-p", "-C", `${dir}/rootfs`, "-xf", archive]);
    fs.writeFileSync(
      `${dir}/config`,
      realOsBaseConfig({ rootfs: `${dir}/rootfs`, template: "bench" }) +
        `lxc.uts.name = ${raw}\nlxc.net.0.type = empty\nlxc.cap.drop = sys_admin\n` +
        // The plan's limits, as the agent's jail has them: a Debian boot under 25 % of a CPU takes
        // seconds longer than an unlimited one, and that is the plan's doing, not the agent's.
        cgroupLimits({
          memoryMb: plan.memoryLimitMb,
          maxProcesses: plan.maxProcesses,
          cpuPercent: plan.cpuPercent,
          diskQuotaMb: plan.diskQuotaMb,
        })
          .map(([key, value]) => `lxc.cgroup.${key} = ${value}\n`)
          .join(""),
    );
    sh(["lxc-start", "-n", raw, "-d"]);
    while (!sshdListening(raw)) {
      if (performance.now() - t0 > 120_000) throw new Error(`${raw}: sshd did not listen within 120 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    rawMs.push(Math.round(performance.now() - t0));
  }
  const a = stats(agentMs);
  const b = stats(rawMs);
  console.log(
    `template debian-12 (mmdebstrap bookworm): ${result.note ? "already cached" : `built in ${buildSeconds.toFixed(1)} s`}, ${Math.round((result.templateBytes ?? 0) / 1e6)} MB`,
  );
  console.log(`create+start through the agent (until sshd listens): median ${a.median} ms (min ${a.min}, max ${a.max}, n=${a.n})`);
  const d = stats(dispatchMs);
  console.log(`  of which queued until an agent leased it: median ${d.median} ms (min ${d.min}, max ${d.max})`);
  console.log(
    `raw steps (image, mkfs, mount, unpack, lxc-start, until sshd listens): median ${b.median} ms (min ${b.min}, max ${b.max}, n=${b.n})`,
  );
  const ratio = a.median / b.median;
  console.log(`agent overhead ratio: ${ratio.toFixed(2)} — target ≤ 1.5 ${ratio <= 1.5 ? "met" : "NOT met"}`);
} finally {
  for (const name of madeRaw) {
    for (const argv of [
      ["lxc-stop", "-n", name, "-k"],
      ["umount", `${LXC}/${name}/rootfs`],
      ["rm", "-rf", "--one-file-system", `${LXC}/${name}`],
    ])
      try {
        sh(argv);
      } catch {}
  }
  const { LxcDriver } = await import("../host-agent/drivers/lxc/driver");
  const { systemRunner } = await import("../host-agent/exec");
  const { nodeDriverFs } = await import("../host-agent/drivers/driver-fs");
  const driver = new LxcDriver({ runner: systemRunner, fs: await nodeDriverFs(), bridge: "cbbr0" });
  for (const name of madeByAgent) await driver.destroy(name).catch(() => {});
  await h.stop();
  if (!process.env.BENCH_TEMPLATE_CACHE) fs.rmSync(cache, { recursive: true, force: true });
}
