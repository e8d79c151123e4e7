// The host prerequisites outside pf that the freebsd driver cannot set up itself, checked by the
// fingerprint — each now *and* at the next boot, since a setting that only lives in the running
// kernel is gone after a reboot:
//   - RACCT: kern.racct.enable is a loader tunable (read-only at run time, rctl(8)); it must be
//     in /boot/loader.conf (or loader.conf.local, as Bastille's setup.sh checks) to stay on;
//   - the private interface: jail(8) adds each jail's `ip4.addr = "lo1|…"` alias to lo1, which
//     must exist now and be in cloned_interfaces (rc.conf(5)) so it exists after a reboot;
//   - the external interface must exist; the public addresses must be aliased on it or routed
//     to this host (routing is the upstream router's business and cannot be seen from here).
// rc.conf and loader.conf are read through sysrc(8): `-n` prints only the value, `-q` keeps an
// unknown variable quiet (exit 1), `-f file` reads that file only.
import type { FreeBsdHost } from "./config";
import { parseIfconfigInet } from "./parse";
import { readJailState } from "./state";

export type Check = { ok: boolean; facts: Record<string, string | number | boolean | null>; problems: string[] };

/** A variable's value from rc.conf (or `file`), or null if it is set nowhere. */
export async function sysrcValue(host: FreeBsdHost, name: string, file?: string): Promise<string | null> {
  const argv = file ? ["sysrc", "-f", file, "-qn", name] : ["sysrc", "-qn", name];
  const r = await host.run(argv, { okCodes: [1] });
  return r.code === 0 ? r.stdout.trim() : null;
}

/**
 * RACCT on now (`sysctl -n kern.racct.enable` = 1; exit 1: the kernel has no RACCT) and at the
 * next boot (kern.racct.enable=1 in /boot/loader.conf or /boot/loader.conf.local).
 */
export async function checkRacct(host: FreeBsdHost): Promise<Check> {
  const problems: string[] = [];
  const now = await host.run(["sysctl", "-n", "kern.racct.enable"], { okCodes: [1] });
  const enabled = now.code === 0 && now.stdout.trim() === "1";
  let atBoot = false;
  for (const file of ["/boot/loader.conf", "/boot/loader.conf.local"]) {
    if ((await sysrcValue(host, "kern.racct.enable", file)) === "1") {
      atBoot = true;
      break;
    }
  }
  if (now.code !== 0) problems.push("This kernel has no resource accounting (RACCT/RCTL), so jail limits cannot be enforced.");
  else if (!enabled)
    problems.push(
      "Resource accounting is off: add kern.racct.enable=1 to /boot/loader.conf and reboot, or jail limits cannot be enforced.",
    );
  else if (!atBoot)
    problems.push(
      "Resource accounting is on but not in /boot/loader.conf: add kern.racct.enable=1 there, or it is off after the next reboot and jails start without limits.",
    );
  return { ok: problems.length === 0, facts: { racct: enabled, racctAtBoot: atBoot }, problems };
}

/**
 * The external interface exists (`ifconfig <ext>`, exit 1 when it does not), the private one
 * exists and is in cloned_interfaces, and which recorded public addresses are not aliased on the
 * external interface (a fact, not a failure: they may be routed here).
 */
export async function checkInterfaces(host: FreeBsdHost, jailNames: string[]): Promise<Check> {
  const { externalInterface: ext, privateInterface: priv } = host.config;
  const problems: string[] = [];
  const facts: Check["facts"] = {};
  const extOut = await host.run(["ifconfig", ext], { okCodes: [1] });
  if (extOut.code !== 0)
    problems.push(`The external interface ${ext} does not exist; set CELLBLOCK_EXT_IF to the interface that carries the public addresses.`);
  if (priv) {
    const privOut = await host.run(["ifconfig", priv], { okCodes: [1] });
    const cloned = ((await sysrcValue(host, "cloned_interfaces")) ?? "").split(/\s+/).includes(priv);
    facts.privateInterfaceAtBoot = cloned;
    if (privOut.code !== 0)
      problems.push(
        `${priv} does not exist: add ${priv} to cloned_interfaces in /etc/rc.conf (sysrc cloned_interfaces+=${priv}) and run service netif cloneup.`,
      );
    else if (!cloned)
      problems.push(
        `${priv} exists but is not in cloned_interfaces: add it (sysrc cloned_interfaces+=${priv}) or it is gone after the next reboot and no jail starts.`,
      );
  }
  if (extOut.code === 0) {
    const aliased = new Set(parseIfconfigInet(extOut.stdout));
    const notAliased: string[] = [];
    for (const name of jailNames) {
      const publicIp = (await readJailState(host, name).catch(() => null))?.spec.network.publicIp;
      if (publicIp && !aliased.has(publicIp)) notAliased.push(publicIp);
    }
    facts.publicAddressesNotAliased = notAliased.length
      ? `${notAliased.join(", ")}: not on ${ext}; alias them there (ifconfig_${ext}_aliases in rc.conf) unless the upstream router routes them to this host`
      : null;
  }
  return { ok: problems.length === 0, facts, problems };
}

/** The names of the jails whose state the driver recorded (<stateDir>/<name>.json). */
export async function recordedJails(host: FreeBsdHost): Promise<string[]> {
  const files = await host.fs.readdir(host.config.stateDir);
  return files.map((f) => /^(cb[a-z0-9]+)\.json$/.exec(f)?.[1]).filter((n): n is string => n !== undefined);
}
