// bench/migrate: the downtime of moving a jail that holds 1 GB between two hosts, against a
// plain restic restore of the same data on the same machine, in one run.
//
// The move runs the agent's own job code (host-agent/run-job.ts) on real LXC containers with the
// Debian template and a real backup server (`rclone serve restic --append-only --private-repos`
// on loopback), in the order the control plane queues them:
//   BACKUP      on the source, the jail running (the live pre-copy: not downtime);
//   MIGRATE_OUT on the source: stop, final copy (only what changed since the pre-copy is sent);
//   MIGRATE_IN  on the target: make the jail, restore the final copy into it, start it, wait for sshd.
// Downtime = MIGRATE_OUT + MIGRATE_IN. Not counted: the control plane's dispatch between the
// two jobs (a lease long-poll wakes on NOTIFY: bench:lxc measures ~10 ms).
// Both "hosts" are drivers on this machine sharing /var/lib/lxc, so the target's copy has its
// own name (on real hosts it keeps the same one). Prints the figures and the ratio; the check
// that the moved jail holds the same 1 GB (sha256 inside both jails) must pass or it throws.
// BENCH_DATA_MB (default 1024).
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { htpasswdLine } from "@/lib/backups/backup-users";
import { freePort } from "../scripts/lib/embedded-postgres";
import { backupToolsMissing, startBackupServer } from "../scripts/lib/backup-server";
import { stopService } from "../scripts/lib/run";
import { systemRunner } from "../host-agent/exec";
import { nodeDriverFs } from "../host-agent/drivers/driver-fs";
import { LxcDriver } from "../host-agent/drivers/lxc/driver";
import { Restic } from "../host-agent/drivers/restic";
import { runJob } from "../host-agent/run-job";
import { DEBIAN_PACKAGES } from "../prisma/seed";

const DATA_MB = Number(process.env.BENCH_DATA_MB ?? 1024);
const missing = backupToolsMissing();
if (missing) throw new Error(`bench:migrate needs ${missing}`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-migrate-"));
const server = await startBackupServer({ dataDir: tmp, port: await freePort(), silent: true });
const user = `jbench${crypto.randomBytes(4).toString("hex")}`;
const secret = () => crypto.randomBytes(24).toString("base64url");
const secrets = { httpPassword: secret(), repositoryPassword: secret() };
fs.writeFileSync(server.env.BACKUP_HTPASSWD_FILE, htpasswdLine(user, secrets.httpPassword) + "\n");
await new Promise((r) => setTimeout(r, 1500)); // rclone re-reads the htpasswd file when it changes
const repository = `${server.env.BACKUP_URL}${user}/repo/`;
const target = { repository, username: user, secrets };

const fsd = await nodeDriverFs();
const source = new LxcDriver({ runner: systemRunner, fs: fsd, bridge: null });
const dest = new LxcDriver({ runner: systemRunner, fs: fsd, bridge: null });
const tag = `${process.pid}${Date.now() % 100000}`;
const spec = (name: string) => ({
  name,
  hostname: "moving.bench.test",
  template: {
    slug: "debian-12",
    version: 1,
    lxcTemplate: "busybox",
    lxcRootfs: { kind: "mmdebstrap" as const, suite: "bookworm", variant: "minbase", packages: [...DEBIAN_PACKAGES] },
    zfsSnapshot: null,
    tarballPath: null,
  },
  limits: { memoryMb: 1024, maxProcesses: 256, cpuPercent: 100, diskQuotaMb: DATA_MB + 1536 },
  network: {
    privateIp: "10.198.0.2",
    privatePrefix: 24,
    privateGateway: "10.198.0.1",
    publicIp: null,
    ipv6: null,
    ipv6PrefixLength: null,
    ipv6Gateway: null,
  },
});
const a = `cbmva${tag}`;
const b = `cbmvb${tag}`;
const leased = (type: string, payload: unknown) => ({ id: `bench-${type}`, type, payload, attempt: 1 }) as never;
const ok = (c: Awaited<ReturnType<typeof runJob>>) => {
  if (c.status !== "SUCCEEDED") throw new Error(`${c.error}`);
  return c.result;
};
const timed = async <T>(f: () => Promise<T>) => {
  const t0 = performance.now();
  const v = await f();
  return { v, ms: Math.round(performance.now() - t0) };
};
const inJail = (name: string, script: string) =>
  execFileSync("lxc-attach", ["-n", name, "--", "/bin/sh", "-c", script], { encoding: "utf8" });

try {
  console.log(`making the source jail and writing ${DATA_MB} MB of random data into it…`);
  ok(await runJob(source, leased("CREATE", { jail: spec(a), sshKeys: [], start: true })));
  inJail(a, `dd if=/dev/urandom of=/root/data.bin bs=1M count=${DATA_MB} status=none && sync`);
  const sumBefore = inJail(a, "sha256sum /root/data.bin").split(" ")[0];

  const pre = await timed(async () => ok(await runJob(source, leased("BACKUP", { ...target, name: a, backupId: "pre" }))));
  // A little written after the pre-copy: the final copy must carry it.
  inJail(a, "echo written-after-the-pre-copy > /root/late.txt && sync");
  const out = await timed(async () => ok(await runJob(source, leased("MIGRATE_OUT", { ...target, name: a, backupId: "final" }))));
  const snapshotId = out.v.backup!.snapshotId;
  const into = await timed(async () =>
    ok(
      await runJob(
        dest,
        leased("MIGRATE_IN", { jail: spec(b), sshKeys: [], repository, username: user, secrets, snapshotId, start: true }),
      ),
    ),
  );
  if (!into.v.running) throw new Error("the moved jail is not running");
  const sumAfter = inJail(b, "sha256sum /root/data.bin").split(" ")[0];
  if (sumAfter !== sumBefore || inJail(b, "cat /root/late.txt").trim() !== "written-after-the-pre-copy") {
    throw new Error("the moved jail does not hold the source's files");
  }

  // The baseline: restic restoring the same snapshot into a plain directory on this machine.
  const plainDir = fs.mkdtempSync(path.join(tmp, "plain-"));
  const plain = await timed(() =>
    new Restic(systemRunner.run, { repository, username: user, ...secrets }).restore({ snapshotId, dir: plainDir }),
  );

  const downtime = out.ms + into.ms;
  console.log(`live pre-copy (jail running, not downtime): ${pre.ms} ms, ${Math.round(pre.v.backup!.addedBytes / 1e6)} MB sent`);
  console.log(`final copy (stop + restic backup of what changed): ${out.ms} ms, ${Math.round(out.v.backup!.addedBytes / 1e6)} MB sent`);
  console.log(`on the target (make, restore ${Math.round(out.v.backup!.sizeBytes / 1e6)} MB, start, sshd listening): ${into.ms} ms`);
  console.log(`downtime: ${downtime} ms; plain restic restore of the same snapshot: ${plain.ms} ms`);
  console.log(
    `downtime / plain restore: ${(downtime / plain.ms).toFixed(2)} (the moved jail holds the same ${DATA_MB} MB: sha256 checked)`,
  );
} finally {
  for (const [d, n] of [
    [source, a],
    [dest, b],
  ] as const)
    await d.destroy(n).catch((e) => console.error(`cleanup of ${n}: ${(e as Error).message}`));
  await stopService(server.child);
  fs.rmSync(tmp, { recursive: true, force: true });
}
