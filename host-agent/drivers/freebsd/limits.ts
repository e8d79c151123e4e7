// Limits on FreeBSD: rctl(8) deny rules on `jail:<name>` for memory, processes and CPU, and the
// ZFS `refquota` of the jail's dataset for disk (zfsprops(7)).
import { jailLimits, type JailLimits } from "@/lib/schemas/jobs";
import { BYTES_PER_GIB, BYTES_PER_MIB } from "@/lib/units";
import { PreconditionError } from "../driver";
import { jailPaths, type FreeBsdHost } from "./config";
import { parseRctlRules, parseZfsProps, type RctlRule } from "./parse";

/** The rctl(8) resources Cellblock owns on `jail:<name>`; exactly one deny rule each. */
export const LIMITED_RESOURCES = ["memoryuse", "maxproc", "pcpu"] as const;
type LimitedResource = (typeof LIMITED_RESOURCES)[number];

function isLimitedResource(r: string): r is LimitedResource {
  return (LIMITED_RESOURCES as readonly string[]).includes(r);
}

/** The rules on `jail:<name>` as `rctl jail:<name>` prints them (rctl(8)). */
export async function listRctlRules(host: FreeBsdHost, name: string): Promise<RctlRule[]> {
  const { stdout } = await host.run(["rctl", `jail:${name}`]);
  return parseRctlRules(stdout);
}

/** The deny rule for each limited resource: memoryuse in bytes, maxproc a count, pcpu percent of one CPU. */
export function wantedRctlRules(name: string, limits: JailLimits): Record<LimitedResource, string> {
  return {
    memoryuse: `jail:${name}:memoryuse:deny=${limits.memoryMb * BYTES_PER_MIB}`,
    maxproc: `jail:${name}:maxproc:deny=${limits.maxProcesses}`,
    pcpu: `jail:${name}:pcpu:deny=${limits.cpuPercent}`,
  };
}

/**
 * Makes the rctl rules on `jail:<name>` exactly the plan's: one deny rule per limited resource,
 * other resources' rules left alone. Applying the same plan twice only lists the rules. `name`
 * must be a parsed jailName. Throws CommandError if rctl fails.
 */
export async function applyRctlLimits(host: FreeBsdHost, name: string, rawLimits: JailLimits): Promise<void> {
  const limits = jailLimits.parse(rawLimits);
  const wanted = wantedRctlRules(name, limits);
  // Remove every rule on our resources that is not exactly the wanted one (and every second
  // copy of it), then add only what is missing: applying the same plan twice changes nothing,
  // and a plan change leaves one rule per resource. The listed text is removed verbatim, so a
  // rule with a /per suffix or another action is matched exactly and really goes away.
  const kept = new Set<LimitedResource>();
  for (const rule of await listRctlRules(host, name)) {
    if (!isLimitedResource(rule.resource)) continue;
    const exact =
      rule.action === "deny" &&
      (rule.per === null || rule.per === "jail") &&
      `jail:${name}:${rule.resource}:deny=${rule.amount}` === wanted[rule.resource];
    if (exact && !kept.has(rule.resource)) {
      kept.add(rule.resource);
      continue;
    }
    await host.run(["rctl", "-r", rule.text]);
  }
  for (const resource of LIMITED_RESOURCES) {
    if (!kept.has(resource)) await host.run(["rctl", "-a", wanted[resource]]);
  }
}

/** Removes every rctl rule on `jail:<name>` (they outlive the jail; a later jail of that name would inherit them). */
export async function removeRctlRules(host: FreeBsdHost, name: string): Promise<void> {
  if ((await listRctlRules(host, name)).length > 0) await host.run(["rctl", "-r", `jail:${name}`]);
}

/** What decides whether a refquota can be set (bytes, zfsprops(7)); refquota 0 = none. */
export type DiskFigures = { referenced: number; refquota: number; refreservation: number };

/** `zfs get -Hp -o property,value referenced,refquota,refreservation <dataset>` (zfs-get(8)). ZFS mode only. */
export async function readDiskFigures(host: FreeBsdHost, name: string): Promise<DiskFigures> {
  const dataset = jailPaths(host.config, name).dataset;
  const { stdout } = await host.run(["zfs", "get", "-Hp", "-o", "property,value", "referenced,refquota,refreservation", dataset]);
  const p = parseZfsProps(stdout);
  if (p.referenced === undefined || p.refquota === undefined || p.refreservation === undefined) {
    throw new Error(`zfs get for ${dataset} lacks referenced, refquota or refreservation`);
  }
  return { referenced: p.referenced, refquota: p.refquota, refreservation: p.refreservation };
}

function size(bytes: number): string {
  return bytes >= BYTES_PER_GIB ? `${(bytes / BYTES_PER_GIB).toFixed(1)} GiB` : `${(bytes / BYTES_PER_MIB).toFixed(1)} MiB`;
}

/**
 * Refuses a disk quota the dataset already exceeds, with the figures, before anything changes:
 * ZFS refuses `refquota` below `referenced` or `refreservation` with ENOSPC
 * (dsl_dataset_set_refquota_check() in OpenZFS module/zfs/dsl_dataset.c; libzfs prints "size is
 * less than current used or reserved space"). Throws PreconditionError in words for the customer.
 */
export function checkQuotaFits(figures: DiskFigures, diskQuotaMb: number): void {
  const want = diskQuotaMb * BYTES_PER_MIB;
  if (figures.referenced > want) {
    throw new PreconditionError(
      `The jail holds ${size(figures.referenced)} of data; the new plan's disk quota is ${size(want)}. ` +
        `Delete at least ${size(figures.referenced - want)} inside the jail, or choose a plan with more disk, and try again.`,
    );
  }
  if (figures.refreservation > want) {
    throw new PreconditionError(
      `The jail's dataset reserves ${size(figures.refreservation)}, more than the new plan's ${size(want)}; an admin must lower its refreservation first.`,
    );
  }
}

/** Sets the dataset's refquota to `diskQuotaMb` MiB unless `figures` say it already is (zfsprops(7)). */
export async function applyRefquota(host: FreeBsdHost, name: string, diskQuotaMb: number, figures: DiskFigures): Promise<void> {
  if (figures.refquota === diskQuotaMb * BYTES_PER_MIB) return;
  await host.run(["zfs", "set", `refquota=${diskQuotaMb}M`, jailPaths(host.config, name).dataset]);
}
