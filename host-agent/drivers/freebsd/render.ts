// What the freebsd driver writes: the jail(8) file and the jail's pf anchor. Pure functions of a
// spec that has been through the zod schemas (lib/schemas/jobs.ts), so no value can carry syntax
// of its own into jail.conf(5) or pf.conf(5).
import type { JailSpec } from "@/lib/schemas/jobs";
import type { FreeBsdConfig } from "./config";

/**
 * The jail(8) file for one jail, `<confDir>/<name>.conf` (jail.conf(5) syntax: one block named
 * after the jail, `param = "value";` lines). Hostname lockdown (`allow.set_hostname = 0`),
 * `enforce_statfs = 2` and the configured securelevel and devfs ruleset are always set.
 */
export function renderJailConf(spec: JailSpec, config: FreeBsdConfig): string {
  const ip = config.privateInterface ? `${config.privateInterface}|${spec.network.privateIp}/32` : spec.network.privateIp;
  return [
    "# Written by the Cellblock host agent; changes here are overwritten.",
    `${spec.name} {`,
    `\tpath = "${config.jailsRoot}/${spec.name}";`,
    `\thost.hostname = "${spec.hostname}";`,
    `\tip4.addr = "${ip}";`,
    "\tallow.set_hostname = 0;",
    "\tenforce_statfs = 2;",
    `\tsecurelevel = ${config.securelevel};`,
    `\tdevfs_ruleset = ${config.devfsRuleset};`,
    "\tmount.devfs;",
    // What /etc/rc printed, for an admin working out why a jail did not start.
    `\texec.consolelog = "/var/log/jail_${spec.name}_console.log";`,
    // Start and stop commands get a clean environment, not the agent's.
    "\texec.clean;",
    '\texec.start = "/bin/sh /etc/rc";',
    '\texec.stop = "/bin/sh /etc/rc.shutdown";',
    "}",
    "",
  ].join("\n");
}

/** The labels of a jail's two counting rules at an anchor generation (see pf.ts): `<name>-g<gen>-in`, `-out`. */
export function anchorLabels(name: string, generation: number) {
  return { in: `${name}-g${generation}-in`, out: `${name}-g${generation}-out` };
}

/**
 * The jail's pf anchor (pf.conf(5) syntax), loaded with `pfctl -a <pfAnchor>/<name> -f -`: 1:1
 * NAT between its public and private address on the external interface `ext`, and two labelled
 * pass rules whose counters are the jail's traffic (see pf.ts). The labels carry the anchor's
 * `generation`, so every load makes rules pf has never seen: their counters start at zero even
 * under `set keepcounters` (which carries counters over only to identical rules), and the
 * generation is the counters' epoch. No public address → "" (nothing to load).
 */
export function renderPfAnchor(spec: JailSpec, ext: string, generation: number): string {
  const { privateIp, publicIp } = spec.network;
  if (!publicIp) return "";
  const label = anchorLabels(spec.name, generation);
  return [
    `# Cellblock jail ${spec.name}, generation ${generation}`,
    `nat on ${ext} inet from ${privateIp} to any -> ${publicIp}`,
    `rdr on ${ext} inet from any to ${publicIp} -> ${privateIp}`,
    // Translation happens before filtering: inbound the filter sees the private address,
    // outbound it sees the public one.
    `pass in quick on ${ext} inet from any to ${privateIp} keep state label "${label.in}"`,
    `pass out quick on ${ext} inet from ${publicIp} to any keep state label "${label.out}"`,
    "",
  ].join("\n");
}
