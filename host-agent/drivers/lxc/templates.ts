// Real OS templates (the seed's skeletons: "tarball deployment is your friend"): a template's
// root is built once per host and template version with mmdebstrap from the host's own apt
// sources, made generic (no SSH host keys, no machine id: each jail makes its own at first boot),
// and cached as a tarball; every jail unpacks it into its own disk image.
//
// The cache is a directory per host (the agent's `templateCache`), one `<key>.tar` per template
// version, where the key also carries a digest of the recipe, so a recipe edited without a new
// version is never served from the old build. A build is atomic: mmdebstrap writes into a
// directory of its own, the tarball is written under a temporary name and renamed into place,
// so a killed build never leaves a half tarball that a jail would unpack.
import crypto from "node:crypto";
import path from "node:path";
import type { JailTemplate, LxcRootfs } from "@/lib/schemas/jobs";
import { JOB_OUTPUT_MAX_CHARS } from "@/lib/schemas/agent";
import { NO_JOB, type JobContext } from "../driver";
import { readMounts } from "./host-files";
import type { LxcHost } from "./provision";

export type MmdebstrapRecipe = Extract<LxcRootfs, { kind: "mmdebstrap" }>;

/** Bumped when what this file does to a built root changes, so every host builds again. */
const SKELETON_REVISION = 1;

/**
 * What the driver always adds to a Debian root: an init (the jail's pid 1) and sshd. Everything
 * else comes from the template's recipe.
 */
export const BASE_PACKAGES = ["systemd-sysv", "openssh-server"];

/** The recipe a template builds with mmdebstrap, or null for an LXC template script (busybox). */
export function mmdebstrapRecipe(t: JailTemplate): MmdebstrapRecipe | null {
  return t.lxcRootfs?.kind === "mmdebstrap" ? t.lxcRootfs : null;
}

/** `<slug>-v<version>-<digest of the recipe>`: the cache entry of one template version. */
export function templateKey(t: JailTemplate, recipe: MmdebstrapRecipe): string {
  const digest = crypto
    .createHash("sha256")
    .update(
      JSON.stringify({
        suite: recipe.suite,
        variant: recipe.variant,
        packages: [...new Set([...BASE_PACKAGES, ...recipe.packages])].sort(),
        skeleton: SKELETON_REVISION,
      }),
    )
    .digest("hex")
    .slice(0, 12);
  return `${t.slug}-v${t.version}-${digest}`;
}

export const templateArchive = (cacheDir: string, key: string) => path.join(cacheDir, `${key}.tar`);

/** mmdebstrap's steps (its "I: …" lines) and how far along a build each one means. */
const PHASES: Array<[RegExp, number, string]> = [
  [/^I: running apt-get update/m, 5, "Reading the package lists"],
  [/^I: downloading packages/m, 12, "Downloading packages"],
  [/^I: extracting archives/m, 20, "Extracting the base system"],
  [/^I: installing essential packages/m, 30, "Installing the essential packages"],
  [/^I: installing remaining packages/m, 50, "Installing the template's packages"],
  [/^I: cleaning package lists/m, 85, "Cleaning up"],
  [/^I: success/m, 88, "Built"],
];

/**
 * The furthest step mmdebstrap's output so far has reached, or null before the first. While it
 * installs the template's packages (the longest step), the share of them set up so far: apt says
 * how many it installs ("N newly installed"), dpkg says "Setting up <package>" for each.
 */
export function buildPhase(output: string): { percent: number; message: string } | null {
  let best: { percent: number; message: string } | null = null;
  for (const [re, percent, message] of PHASES) if (re.test(output)) best = { percent, message };
  const remaining = output.lastIndexOf("I: installing remaining packages");
  if (best?.percent === 50 && remaining >= 0) {
    const tail = output.slice(remaining);
    const total = Number(/(\d+) newly installed/.exec(tail)?.[1] ?? 0);
    const done = tail.match(/^Setting up /gm)?.length ?? 0;
    if (total > 0)
      best = {
        percent: 50 + Math.floor((35 * Math.min(done, total)) / total),
        message: `${best.message} (${Math.min(done, total)} of ${total})`,
      };
  }
  return best;
}

/** Files of a built root that must be per jail, not per template: made again at the jail's first boot. */
async function makeGeneric(host: LxcHost, root: string): Promise<void> {
  const ssh = path.join(root, "etc", "ssh");
  for (const f of await host.fs.readdir(ssh)) if (f.startsWith("ssh_host_")) await host.fs.rm(path.join(ssh, f), { force: true });
  // systemd makes a machine id at the first boot when the file says "uninitialized" (machine-id(5)).
  await host.fs.writeFile(path.join(root, "etc", "machine-id"), "uninitialized\n", { mode: 0o444 });
  // ssh.service runs `sshd -t` first, which fails without host keys: make the missing ones
  // (ssh-keygen -A) before it, at every start, so a jail has its own from its first boot.
  const dropIn = path.join(root, "etc", "systemd", "system", "ssh.service.d");
  await host.fs.mkdir(dropIn, { recursive: true, mode: 0o755 });
  await host.fs.writeFile(
    path.join(dropIn, "cellblock-host-keys.conf"),
    "# Cellblock: every jail makes its own SSH host keys at its first boot.\n" +
      "[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n",
  );
  // Debian enables ssh.socket beside ssh.service: systemd would listen on port 22 before the host
  // keys exist, and "port 22 listens" would no longer mean "sshd is ready". sshd alone, then.
  await host.run(["ln", "-sfn", "/dev/null", path.join(root, "etc", "systemd", "system", "ssh.socket")], { timeoutMs: 10_000 });
  // "You have root": by key always; by password once the customer has set one (root's password
  // is locked until then).
  await host.fs.mkdir(path.join(ssh, "sshd_config.d"), { recursive: true, mode: 0o755 });
  await host.fs.writeFile(
    path.join(ssh, "sshd_config.d", "cellblock.conf"),
    "# Cellblock: root logs in by key or password.\nPermitRootLogin yes\n",
  );
  await host.fs.rm(path.join(root, "etc", "hostname"), { force: true });
}

/** Unmounts whatever a killed mmdebstrap left mounted below `dir` (its /proc, /sys, /dev), deepest first. */
async function unmountBelow(host: LxcHost, dir: string): Promise<void> {
  const below = (await readMounts(host.fs)).map((m) => m.mountPoint).filter((p) => p.startsWith(`${dir}/`));
  for (const p of below.sort((a, b) => b.length - a.length)) await host.run(["umount", "-l", p], { timeoutMs: 30_000 });
}

/** Removes a build directory; never crosses into a file system mounted below it (a left-over /proc or /dev). */
async function removeBuildDir(host: LxcHost, dir: string): Promise<void> {
  await unmountBelow(host, dir);
  await host.run(["rm", "-rf", "--one-file-system", dir], { timeoutMs: 300_000 });
}

/** Build directories of this key left by an agent that is no longer running (killed mid-build). */
async function removeAbandonedBuilds(host: LxcHost, cacheDir: string, key: string): Promise<void> {
  for (const entry of await host.fs.readdir(cacheDir)) {
    const pid = new RegExp(`^\\.build-${key}-(\\d+)-[0-9a-f]+$`).exec(entry)?.[1];
    if (pid && !(await host.fs.exists(`/proc/${pid}`))) await removeBuildDir(host, path.join(cacheDir, entry));
  }
}

const building = new Map<string, Promise<{ archive: string; bytes: number; cached: boolean }>>();

/**
 * The template's tarball in the cache, built first when it is not there. One build per key at a
 * time in this agent (a CREATE falling back to building waits for a BUILD_TEMPLATE already on it).
 */
export function ensureTemplateArchive(
  host: LxcHost,
  { cacheDir, template, job = NO_JOB }: { cacheDir: string; template: JailTemplate; job?: JobContext },
): Promise<{ archive: string; bytes: number; cached: boolean }> {
  const recipe = mmdebstrapRecipe(template);
  if (!recipe) throw new Error(`template ${template.slug} is not built with mmdebstrap`);
  const key = templateKey(template, recipe);
  const running = building.get(key);
  if (running) return running;
  const p = buildArchive(host, { cacheDir, key, recipe, job }).finally(() => building.delete(key));
  building.set(key, p);
  return p;
}

async function buildArchive(
  host: LxcHost,
  { cacheDir, key, recipe, job }: { cacheDir: string; key: string; recipe: MmdebstrapRecipe; job: JobContext },
): Promise<{ archive: string; bytes: number; cached: boolean }> {
  const archive = templateArchive(cacheDir, key);
  if (await host.fs.exists(archive)) return { archive, bytes: await host.fs.size(archive), cached: true };
  await host.fs.mkdir(cacheDir, { recursive: true, mode: 0o700 });
  await removeAbandonedBuilds(host, cacheDir, key);
  // The agent's pid in the name: a later build can tell a build directory whose agent died
  // from one another agent sharing this cache is still working in.
  const work = path.join(cacheDir, `.build-${key}-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
  const root = path.join(work, "root");
  const partial = `${archive}.${path.basename(work)}`;
  await host.fs.mkdir(work, { recursive: true, mode: 0o700 });
  let output = "";
  try {
    job.progress({ percent: 1, message: `Building the template with mmdebstrap (${recipe.suite}, ${recipe.variant})` });
    const packages = [...new Set([...BASE_PACKAGES, ...recipe.packages])];
    // No mirror argument: mmdebstrap uses this host's own apt sources (and proxy settings).
    await host.run(["mmdebstrap", "--verbose", `--variant=${recipe.variant}`, `--include=${packages.join(",")}`, recipe.suite, root], {
      timeoutMs: 45 * 60_000,
      signal: job.signal,
      onOutput: (chunk) => {
        output = (output + chunk).slice(-256_000);
        // Only a chunk with a step or a package set up can move the figure.
        const phase = /^(I: |Setting up |\d+ upgraded)/m.test(chunk) ? buildPhase(output) : null;
        job.progress({ ...(phase ?? {}), output: output.slice(-JOB_OUTPUT_MAX_CHARS) });
      },
    });
    job.progress({ percent: 90, message: "Removing per-jail files from the template (SSH host keys, machine id)" });
    await makeGeneric(host, root);
    job.progress({ percent: 93, message: "Packing the template" });
    // --numeric-owner: the jail's ids, not this host's names for them; --xattrs: file
    // capabilities (ping's cap_net_raw) survive.
    await host.run(["tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-C", root, "-cf", partial, "."], {
      timeoutMs: 600_000,
      signal: job.signal,
    });
    await host.fs.rename(partial, archive);
    const bytes = await host.fs.size(archive);
    job.progress({ percent: 100, message: `Template ready (${Math.round(bytes / 1e6)} MB)` });
    return { archive, bytes, cached: false };
  } finally {
    await host.fs.rm(partial, { force: true }).catch(() => {});
    // Not awaited: removing a few hundred MB of small files can take a while on a busy disk,
    // and the job (and the jails waiting on it) need not wait for it.
    void removeBuildDir(host, work).catch(() => {});
  }
}

/** Unpacks a template tarball into a jail's new (empty, never run) root. */
export async function unpackTemplate(
  host: LxcHost,
  { archive, rootfs, job = NO_JOB }: { archive: string; rootfs: string; job?: JobContext },
) {
  job.progress({ percent: 50, message: "Unpacking the template into the jail's disk" });
  await host.run(["tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-p", "-C", rootfs, "-xf", archive], {
    timeoutMs: 600_000,
    signal: job.signal,
  });
}
