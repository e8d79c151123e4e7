// What the fingerprint checks about pf (pf.conf(5), pfctl(8)):
//   - pf is loaded (/dev/pf exists), enabled now, and enabled at boot (pf_enable="YES");
//   - the main ruleset calls the jail anchors: `nat-anchor`, `rdr-anchor` and `anchor "<pfAnchor>/*"`;
//   - no `pass … quick` rule before the `anchor` call can match the jails' traffic. pf evaluates
//     filter rules in order and a matching `quick` rule ends the evaluation, so such a rule (like
//     the `pass out quick keep state` in Bastille's default pf.conf, usr/local/share/bastille/setup.sh)
//     passes the jails' packets before the anchor's labelled rules are reached: transfer reads 0.
//     A non-quick block before the anchor does not block the jails (their quick pass wins); a
//     block meant for them too must itself be `quick` and before the anchor;
//   - `set keepcounters` in the pf.conf file (reported: the anchors' counters do not depend on it,
//     see pf.ts, but the main ruleset's do);
//   - FreeBSD 15's `set limit anchors` (default 512): one anchor per jail, so the host's capacity
//     is that limit less the anchors others use.
import { readFileIfExists } from "../driver-fs";
import type { FreeBsdHost } from "./config";
import { parsePfAnchors, parsePfLimits } from "./parse";
import { sysrcValue, type Check } from "./prerequisites";

/**
 * The `pass … quick` rules, in `pfctl -s rules` text (print_rule() normal form), before the call
 * `anchor "<anchor>/*"` that could match traffic of the jails on `ext`: rules bound to another
 * interface (`on lo0`, `on ! em0`) and inbound rules to the host itself (`to (em0)`, `to self`)
 * cannot. `anchorFound` is false when the call is missing.
 */
export function shadowingRules(rulesText: string, anchor: string, ext: string): { anchorFound: boolean; shadowing: string[] } {
  const shadowing: string[] = [];
  for (const line of rulesText.split("\n")) {
    const rule = line.trim();
    if (rule.startsWith(`anchor "${anchor}/*"`)) return { anchorFound: true, shadowing };
    const t = rule.split(/\s+/);
    if (t[0] !== "pass" || !t.includes("quick")) continue;
    const on = t.indexOf("on");
    if (on >= 0) {
      const negated = t[on + 1] === "!";
      const iface = negated ? t[on + 2] : t[on + 1];
      if (negated ? iface === ext : iface !== ext) continue;
    }
    const to = t.indexOf("to");
    const dest = to >= 0 ? t[to + 1] : undefined;
    if (t[1] === "in" && dest !== undefined && (dest === "self" || dest === `(${ext})` || dest === `(${ext}:0)`)) continue;
    shadowing.push(rule);
  }
  return { anchorFound: false, shadowing };
}

/**
 * pf's state as the driver needs it. `pfctl -s info` exits 1 with "/dev/pf: No such file or
 * directory" when pf is not loaded; its first line is `Status: Enabled …` or `Status: Disabled`.
 */
export async function checkPf(host: FreeBsdHost): Promise<Check & { maxJails: number | null; publicNat: boolean }> {
  const { pfAnchor, externalInterface: ext } = host.config;
  const problems: string[] = [];
  const facts: Check["facts"] = {};
  const info = await host.run(["pfctl", "-s", "info"], { okCodes: [1] });
  const loaded = !(info.code !== 0 && /\/dev\/pf: /.test(info.stderr));
  const enabled = info.code === 0 && /^Status: Enabled/m.test(info.stdout);
  const atBoot = (await sysrcValue(host, "pf_enable"))?.toUpperCase() === "YES";
  Object.assign(facts, { pfLoaded: loaded, pf: enabled, pfAtBoot: atBoot });
  if (!loaded)
    problems.push(
      'pf is not loaded (/dev/pf is missing): set pf_enable="YES" in /etc/rc.conf and run service pf start; jails cannot be reached and their traffic cannot be measured.',
    );
  else if (!enabled) problems.push("The pf firewall is not enabled (pfctl -e), so jails cannot be reached at their public addresses.");
  else if (!atBoot) problems.push('pf runs but pf_enable is not "YES" in /etc/rc.conf: it is off after the next reboot.');
  if (!loaded || !enabled) return { ok: false, facts: { ...facts, pfAnchors: false }, problems, maxJails: null, publicNat: false };

  // Rules loaded into <pfAnchor>/<name> only take effect if the main ruleset calls them.
  const nat = (await host.run(["pfctl", "-s", "nat"])).stdout;
  const rules = (await host.run(["pfctl", "-s", "rules"])).stdout;
  const hook = (kind: string, text: string) => new RegExp(`^${kind} "${pfAnchor}/\\*"`, "m").test(text);
  const order = shadowingRules(rules, pfAnchor, ext);
  const hooked = hook("nat-anchor", nat) && hook("rdr-anchor", nat) && order.anchorFound;
  facts.pfAnchors = hooked;
  facts.pfShadowingRules = order.shadowing.length ? order.shadowing.join(" | ") : null;
  if (!hooked) {
    const a = `"${pfAnchor}/*"`;
    problems.push(`pf.conf does not call the jail anchors; add nat-anchor ${a}, rdr-anchor ${a} and anchor ${a} to it.`);
  } else if (order.shadowing.length) {
    problems.push(
      `pf.conf passes traffic with a quick rule before anchor "${pfAnchor}/*", so the jails' rules never count it (transfer would read 0): ` +
        `move the anchor above ${order.shadowing.map((r) => `"${r}"`).join(", ")}, or drop "quick" there.`,
    );
  }

  const rulesFile = (await sysrcValue(host, "pf_rules")) || "/etc/pf.conf";
  const conf = (await readFileIfExists(host.fs, rulesFile)) ?? "";
  facts.pfKeepCounters = /^\s*set\s+keepcounters\b/m.test(conf.replace(/#.*$/gm, ""));

  const limits = parsePfLimits((await host.run(["pfctl", "-s", "memory"])).stdout);
  const anchorLimit = limits.anchors ?? null;
  let maxJails: number | null = null;
  if (anchorLimit !== null) {
    const anchors = parsePfAnchors((await host.run(["pfctl", "-v", "-s", "Anchors"])).stdout);
    const others = anchors.filter((a) => a !== pfAnchor && !a.startsWith(`${pfAnchor}/`)).length;
    // One anchor per jail plus the parent <pfAnchor> itself.
    maxJails = Math.max(0, anchorLimit - others - 1);
    Object.assign(facts, { pfAnchorLimit: anchorLimit, pfAnchorsInUse: anchors.length });
  }
  return { ok: problems.length === 0, facts, problems, maxJails, publicNat: hooked && order.shadowing.length === 0 };
}
