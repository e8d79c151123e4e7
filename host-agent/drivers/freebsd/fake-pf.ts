// Test double: pf as pfctl(8) shows it, for the fake host. Answers from sbin/pfctl/pfctl.c:
//   - no pf module: every command fails at open("/dev/pf"): exit 1, "pfctl: /dev/pf: No such
//     file or directory";
//   - `-a <anchor> -s labels` on a missing anchor: "pfctl: DIOCGETRULES: Invalid argument" on
//     stderr, exit 0 (main() ignores pfctl_show_rules()'s result);
//   - a label line is "<label> " then evaluations, packets, bytes, packets in, bytes in, packets
//     out, bytes out, state creations;
//   - `-f -` replaces the anchor's rules and starts their counters at zero (pf_commit_rules);
//     `-F all` removes them; a reboot or a pf restart forgets every runtime-loaded anchor.
// Not used by the agent.
import type { ExecResult } from "../../exec";

const ok = (stdout = "", stderr = ""): ExecResult => ({ code: 0, stdout, stderr, durationMs: 1 });
const fail = (stderr: string): ExecResult => ({ code: 1, stdout: "", stderr, durationMs: 1 });

export type LabelCounters = {
  evaluations: number;
  packets: number;
  bytes: number;
  pin: number;
  bin: number;
  pout: number;
  bout: number;
  states: number;
};

export class FakePf {
  loaded = true;
  info = "";
  nat = "";
  rules = "";
  memory = "";
  /** Anchors other tools loaded (for `-v -s Anchors`). */
  otherAnchors: string[] = [];
  anchors = new Map<string, string>();
  counters = new Map<string, LabelCounters>();
  loads = 0;

  /** Sets a label's traffic in bytes (in = to the jail, out = from it), as if packets had flowed. */
  count(label: string, bin: number, bout: number) {
    this.counters.set(label, { evaluations: 10, packets: 20, bytes: bin + bout, pin: 12, bin, pout: 8, bout, states: 3 });
  }

  /** What pfctl answers for `argv`, with `input` on stdin. */
  answer(a: string[], input?: string): ExecResult {
    if (!this.loaded) return fail("pfctl: /dev/pf: No such file or directory\n");
    const cmd = a.join(" ");
    if (cmd === "pfctl -s info") return ok(this.info);
    if (cmd === "pfctl -s nat") return ok(this.nat);
    if (cmd === "pfctl -s rules") return ok(this.rules);
    if (cmd === "pfctl -s memory") return ok(this.memory);
    if (cmd === "pfctl -v -s Anchors") return ok(this.anchorList());
    const anchor = a[2]!;
    if (a[3] === "-f") {
      this.anchors.set(anchor, input ?? "");
      for (const label of labelsIn(input ?? "")) this.counters.delete(label);
      this.loads++;
      return ok();
    }
    if (a[3] === "-F") {
      this.anchors.delete(anchor);
      return ok("", "rules cleared\nnat cleared\n0 tables deleted.\n");
    }
    if (a[3] === "-s" && a[4] === "labels") {
      const rules = this.anchors.get(anchor);
      if (rules === undefined) return ok("", "pfctl: DIOCGETRULES: Invalid argument\n");
      return ok(
        labelsIn(rules)
          .map((l) => labelLine(l, this.counters.get(l)))
          .join(""),
      );
    }
    throw new Error(`fake pfctl: unexpected ${cmd}`);
  }

  /** A reboot, or `service pf restart`: the kernel keeps no runtime-loaded anchor. */
  forgetAnchors() {
    this.anchors.clear();
    this.counters.clear();
  }

  private anchorList(): string {
    const ours = [...this.anchors.keys()];
    const parents = new Set(ours.map((a) => a.split("/")[0]!));
    return [...this.otherAnchors, ...parents, ...ours].map((a) => `  ${a}\n`).join("");
  }
}

function labelsIn(rules: string): string[] {
  return [...rules.matchAll(/label "([^"]+)"/g)].map((m) => m[1]!);
}

/** One `-s labels` line, in pfctl_show_rules()'s format. */
export function labelLine(
  label: string,
  c: LabelCounters = { evaluations: 0, packets: 0, bytes: 0, pin: 0, bin: 0, pout: 0, bout: 0, states: 0 },
) {
  return `${label} ${c.evaluations} ${c.packets} ${c.bytes} ${c.pin} ${c.bin} ${c.pout} ${c.bout} ${c.states}\n`;
}
