// The jail's pf anchor `<pfAnchor>/<name>`: its NAT and its labelled pass rules, whose counters are
// the jail's traffic (pfctl(8), pf.conf(5)).
import type { JailSpec } from "@/lib/schemas/jobs";
import { jailPaths, type FreeBsdHost } from "./config";
import { parsePfLabels } from "./parse";
import { renderPfAnchor } from "./render";

/** Loads the jail's rules into its anchor, replacing what was there (`pfctl -a … -f -`, rules on stdin). */
export async function loadAnchor(host: FreeBsdHost, spec: JailSpec): Promise<void> {
  await host.run(["pfctl", "-a", jailPaths(host.config, spec.name).anchor, "-f", "-"], {
    input: renderPfAnchor(spec, host.config.externalInterface),
  });
}

/** Empties the jail's anchor (`pfctl -a … -F all`). */
export async function flushAnchor(host: FreeBsdHost, name: string): Promise<void> {
  await host.run(["pfctl", "-a", jailPaths(host.config, name).anchor, "-F", "all"]);
}

/**
 * The jail's cumulative traffic in bytes from its labelled rules (`pfctl -a … -s labels`): rx is
 * what arrived for the jail, tx what it sent. Throws if pfctl fails for another reason than a
 * missing anchor.
 */
export async function anchorCounters(host: FreeBsdHost, name: string): Promise<{ rx: number; tx: number }> {
  const r = await host.run(["pfctl", "-a", jailPaths(host.config, name).anchor, "-s", "labels"], { okCodes: [1] });
  if (r.code !== 0) {
    if (/does not exist|No such/i.test(r.stderr)) return { rx: 0, tx: 0 };
    throw new Error(`pfctl -s labels for ${name} failed: ${r.stderr.trim()}`);
  }
  let rx = 0;
  let tx = 0;
  for (const l of parsePfLabels(r.stdout)) {
    if (!l.labels.some((x) => x.startsWith(`${name}-`))) continue;
    rx += l.bytesIn;
    tx += l.bytesOut;
  }
  return { rx, tx };
}
