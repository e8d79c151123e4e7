// The jail's pf anchor `<pfAnchor>/<name>`: its NAT and its labelled pass rules, whose counters are
// the jail's traffic (pfctl(8), pf.conf(5)). Three facts from sbin/pfctl/pfctl.c shape this file:
//   - without pf loaded, every pfctl call fails at `open("/dev/pf")`: exit 1, "pfctl: /dev/pf:
//     No such file or directory" — that is an error for the admin, never "no traffic";
//   - `-s labels` on an anchor that does not exist warns "DIOCGETRULES: Invalid argument" on
//     stderr and still exits 0 (main() ignores pfctl_show_rules()'s result) — absent, not failed;
//   - a load replaces the anchor's rules and their counters (pf_commit_rules in
//     sys/netpfil/pf/pf_ioctl.c; `set keepcounters` carries counters only to identical rules).
// So an anchor is loaded only when its rules differ from what is loaded, or it is absent (a
// reboot, `service pf restart`), and every load gets a new generation in its labels: counters of
// a new generation start at zero, and the generation is the epoch the agent uses to count them.
import { jailPaths, type FreeBsdHost } from "./config";
import { parsePfLabels } from "./parse";
import { renderPfAnchor } from "./render";
import { writeJailState, type JailState } from "./state";

/** pf is not loaded (or /dev/pf is unusable): traffic cannot be measured and NAT is down. */
export class PfUnavailableError extends Error {
  constructor(detail: string) {
    super(`pf is not available (${detail}): load it (kldload pf, pf_enable="YES" in /etc/rc.conf) — traffic cannot be measured`);
    this.name = "PfUnavailableError";
  }
}

export type AnchorReading = {
  /** The anchor has this jail's labelled rules loaded. */
  present: boolean;
  /** Generation of the loaded rules (from their labels); null if absent or unlabelled by generation. */
  generation: number | null;
  /** Cumulative bytes: rx arrived for the jail, tx sent by it. */
  rx: number;
  tx: number;
};

/**
 * Reads the jail's labelled rules with `pfctl -a <anchor> -s labels`. Absent anchor → present
 * false and zero counters. Throws PfUnavailableError when pf is not loaded, and an Error with
 * pfctl's words for any other failure.
 */
export async function readAnchor(host: FreeBsdHost, name: string): Promise<AnchorReading> {
  const r = await host.run(["pfctl", "-a", jailPaths(host.config, name).anchor, "-s", "labels"], { okCodes: [1] });
  if (r.code !== 0) {
    if (/\/dev\/pf: /.test(r.stderr)) throw new PfUnavailableError(r.stderr.trim().replace(/^pfctl: /, ""));
    throw new Error(`pfctl -s labels for ${name} failed: ${r.stderr.trim()}`);
  }
  const own = new RegExp(`^${name}-(?:g(\\d+)-)?(in|out)$`);
  let rx = 0;
  let tx = 0;
  let present = false;
  let generation: number | null = null;
  for (const l of parsePfLabels(r.stdout)) {
    const m = l.labels.map((x) => own.exec(x)).find(Boolean);
    if (!m) continue;
    present = true;
    generation = m[1] === undefined ? null : Number(m[1]);
    rx += l.bytesIn;
    tx += l.bytesOut;
  }
  return { present, generation, rx, tx };
}

/**
 * Makes the kernel's anchor match the jail's recorded spec, loading it only when needed: the
 * rules differ from the recorded ones, or the anchor is absent (a reboot, a pf restart). Each
 * load bumps the generation in the state file first (a generation is never reused, even after a
 * crash between the two), then loads. A jail without a public address has no rules: its anchor
 * is flushed if anything is left in it. Returns the state as it now is and whether it loaded.
 * Throws PfUnavailableError, or CommandError if pfctl refuses the rules.
 */
export async function ensureAnchor(host: FreeBsdHost, state: JailState): Promise<{ state: JailState; loaded: boolean }> {
  const { spec } = state;
  const current = await readAnchor(host, spec.name);
  if (!spec.network.publicIp) {
    if (current.present) await flushAnchor(host, spec.name);
    if (state.anchorRules === "") return { state, loaded: false };
    const next = { ...state, anchorRules: "" };
    await writeJailState(host, next);
    return { state: next, loaded: false };
  }
  const unchanged = renderPfAnchor(spec, host.config.externalInterface, state.anchorGeneration) === state.anchorRules;
  if (current.present && current.generation === state.anchorGeneration && unchanged) return { state, loaded: false };
  const generation = state.anchorGeneration + 1;
  const rules = renderPfAnchor(spec, host.config.externalInterface, generation);
  const next: JailState = { ...state, anchorGeneration: generation, anchorRules: rules };
  await writeJailState(host, next);
  await host.run(["pfctl", "-a", jailPaths(host.config, spec.name).anchor, "-f", "-"], { input: rules });
  return { state: next, loaded: true };
}

/** Empties the jail's anchor (`pfctl -a … -F all`); nothing to do when pf is not loaded at all. */
export async function flushAnchor(host: FreeBsdHost, name: string): Promise<void> {
  const r = await host.run(["pfctl", "-a", jailPaths(host.config, name).anchor, "-F", "all"], { okCodes: [1] });
  if (r.code !== 0 && !/\/dev\/pf: /.test(r.stderr)) throw new Error(`pfctl -F all for ${name} failed: ${r.stderr.trim()}`);
}
