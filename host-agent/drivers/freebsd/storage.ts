// A jail's root on FreeBSD: a ZFS clone of the template's snapshot with the plan's refquota
// (zfs-clone(8), zfsprops(7)), or, on a host without a ZFS dataset, a tarball extracted into a
// plain directory (no disk quota there: disk is only measured).
import type { JailSpec } from "@/lib/schemas/jobs";
import { jailPaths, type FreeBsdHost } from "./config";
import { parseZfsGetNameValue, toCount } from "./parse";

/** Whether the jail's root exists: its dataset (`zfs list`, exit 1 when absent) or its directory. */
export async function storageExists(host: FreeBsdHost, name: string): Promise<boolean> {
  const p = jailPaths(host.config, name);
  if (!host.config.zfsDataset) return host.fs.exists(p.root);
  const r = await host.run(["zfs", "list", "-H", "-o", "name", p.dataset], { okCodes: [1] });
  return r.code === 0;
}

/**
 * Makes the jail's root from its template: `zfs clone -o mountpoint=… -o refquota=<MiB>M` of the
 * template's snapshot, or `tar -xpf` of its tarball into a staging directory renamed into place
 * when complete. Throws if the template lacks what this host needs, or CommandError.
 */
export async function buildRoot(host: FreeBsdHost, spec: JailSpec): Promise<void> {
  const p = jailPaths(host.config, spec.name);
  if (host.config.zfsDataset) {
    const snap = spec.template.zfsSnapshot;
    if (!snap) throw new Error(`template ${spec.template.slug} has no ZFS snapshot and this host clones from ZFS`);
    await host.run(["zfs", "clone", "-o", `mountpoint=${p.root}`, "-o", `refquota=${spec.limits.diskQuotaMb}M`, snap, p.dataset], {
      timeoutMs: 300_000,
    });
    return;
  }
  const tarball = spec.template.tarballPath;
  if (!tarball) throw new Error(`template ${spec.template.slug} has no tarball and this host has no ZFS dataset`);
  // Extract beside the final place and rename when complete: a crash or a failed tar leaves
  // only the staging directory, which the retry clears, never a half root it would adopt.
  if (await host.fs.exists(p.staging)) await host.run(["rm", "-r", "-f", "-x", p.staging], { timeoutMs: 600_000 });
  await host.fs.mkdir(p.staging, { recursive: true, mode: 0o755 });
  try {
    await host.run(["tar", "-xpf", tarball, "-C", p.staging], { timeoutMs: 900_000 });
  } catch (err) {
    await host.run(["rm", "-r", "-f", "-x", p.staging], { timeoutMs: 600_000 });
    throw err;
  }
  await host.fs.rename(p.staging, p.root);
}

/** Removes the jail's root (dataset with its snapshots, or the directory tree); nothing if absent. */
export async function destroyRoot(host: FreeBsdHost, name: string): Promise<void> {
  const p = jailPaths(host.config, name);
  if (host.config.zfsDataset) {
    // -f: a jail that was just removed can linger as "dying" (sockets in TIME_WAIT) and keep
    // its root busy; a plain destroy would then fail with "dataset is busy".
    if (await storageExists(host, name)) await host.run(["zfs", "destroy", "-r", "-f", p.dataset], { timeoutMs: 600_000 });
  } else if (await host.fs.exists(p.root)) {
    // Tenants may have set user immutable flags; clear them, then remove without crossing
    // into anything still mounted below the root.
    await host.run(["chflags", "-R", "0", p.root], { timeoutMs: 600_000 });
    await host.run(["rm", "-r", "-f", "-x", p.root], { timeoutMs: 600_000 });
  }
}

/**
 * Disk use in bytes by jail name, for the named jails whose root exists. ZFS: one
 * `zfs get -Hp -d 1 referenced` for the whole host (zfs-get(8)) — `referenced` is exactly what
 * `refquota` limits (zfsprops(7)), unlike `used`, which adds snapshots and children; tarball:
 * `du -skx` per jail (du(1), 1024-byte blocks, symlinks not followed).
 */
export async function diskBytesByName(host: FreeBsdHost, names: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (names.length === 0) return out;
  if (host.config.zfsDataset) {
    const { stdout } = await host.run([
      "zfs",
      "get",
      "-Hp",
      "-t",
      "filesystem",
      "-d",
      "1",
      "-o",
      "name,value",
      "referenced",
      host.config.zfsDataset,
    ]);
    const referenced = parseZfsGetNameValue(stdout);
    for (const name of names) {
      const bytes = referenced.get(jailPaths(host.config, name).dataset);
      if (bytes !== undefined) out.set(name, bytes);
    }
    return out;
  }
  for (const name of names) {
    const root = jailPaths(host.config, name).root;
    if (!(await host.fs.exists(root))) continue;
    // -x keeps it off devfs; du does not follow symlinks by default (-P), so a tenant's links
    // cannot inflate or redirect the measurement.
    const { stdout } = await host.run(["du", "-skx", root], { timeoutMs: 300_000 });
    out.set(name, toCount(stdout.trim().split(/\s+/)[0] ?? "0") * 1024);
  }
  return out;
}
