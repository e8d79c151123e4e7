// Parsers for what FreeBSD's tools print, each pinned to the man page and source that define the
// format (fixtures/README.md lists them with samples). A shape the parser does not know is an
// error that says what was expected, never a guess.
import { z } from "zod";
import type { JailInfo, ProcessInfo } from "../driver";

/** The libxo versions of `jls` output this parser knows: JLS_XO_VERSION in usr.sbin/jls/jls.c. */
export const KNOWN_JLS_XO_VERSIONS = ["2"] as const;

const jlsJson = z.object({
  __version: z.string(),
  "jail-information": z.object({
    jail: z.array(
      z.object({
        jid: z.number().int(),
        name: z.string(),
        hostname: z.string().optional(),
        state: z.string().optional(),
      }),
    ),
  }),
});

/** `a.b[0].c` for a zod issue path, the way a person would name the field. */
function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)).join("");
}

/**
 * `jls --libxo json -v [-j name]` (jls(8), xo_parse_args(3)) → the jails listed, running unless
 * their `state` is `DYING`. Throws an Error naming the version if `__version` is not one this
 * parser knows, and naming the field ("jls output lacks jail-information.jail[0].name") if a
 * required field is missing or of the wrong type.
 */
export function parseJls(stdout: string): JailInfo[] {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    throw new Error(`jls output is not JSON: ${JSON.stringify(stdout.slice(0, 80))}`);
  }
  const version = (raw as { __version?: unknown } | null)?.__version;
  if (!(KNOWN_JLS_XO_VERSIONS as readonly unknown[]).includes(version)) {
    throw new Error(
      version === undefined
        ? "jls output has no libxo __version; expected version 2 (jls --libxo json)"
        : `jls output is libxo version ${JSON.stringify(version)}, which this agent does not know (it reads version ${KNOWN_JLS_XO_VERSIONS.join(", ")})`,
    );
  }
  const doc = jlsJson.safeParse(raw);
  if (!doc.success) {
    const issue = doc.error.issues[0]!;
    const field = fieldPath(issue.path);
    const missing =
      issue.path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), raw) ===
      undefined;
    throw new Error(missing ? `jls output lacks ${field}` : `jls output has an invalid ${field}: ${issue.message}`);
  }
  return doc.data["jail-information"].jail.map((j) => ({
    name: j.name,
    jid: j.jid,
    running: (j.state ?? "ACTIVE") === "ACTIVE",
    hostname: j.hostname || null,
  }));
}

export type RctlRule = {
  text: string;
  subject: string;
  subjectId: string;
  resource: string;
  action: string;
  amount: number;
  per: string | null;
};

/**
 * `rctl [filter]` (rctl(8)): one rule per line, `subject:id:resource:action=amount[/per]`, amounts
 * raw (no -h). Throws on a line of any other shape (e.g. humanised `512M`).
 */
export function parseRctlRules(stdout: string): RctlRule[] {
  const rules: RctlRule[] = [];
  for (const line of stdout.split("\n")) {
    const text = line.trim();
    if (!text) continue;
    const m = /^([a-z]+):([^:]*):([a-z]+):([a-z0-9]+)=(\d+)(?:\/([a-z]+))?$/.exec(text);
    if (!m) throw new Error(`unexpected rctl rule line: ${JSON.stringify(text.slice(0, 120))}`);
    rules.push({ text, subject: m[1]!, subjectId: m[2]!, resource: m[3]!, action: m[4]!, amount: Number(m[5]), per: m[6] ?? null });
  }
  return rules;
}

/**
 * `rctl -u subject:id` (rctl(8)): `resource=value` lines → values by resource. Units per rctl(8)
 * RESOURCES: cputime seconds, memoryuse bytes, maxproc processes, pcpu percent.
 */
export function parseRctlUsage(stdout: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of stdout.split("\n")) {
    const m = /^([a-z]+)=(\d+)$/.exec(line.trim());
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

export type PfLabel = {
  labels: string[];
  evaluations: number;
  packets: number;
  bytes: number;
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
  states: number;
};

/**
 * `pfctl -s labels` (pfctl(8)): per labelled rule, the label(s) then evaluations, packets, bytes,
 * packets in, bytes in, packets out, bytes out, state creations. Newer pfctl prints every label
 * of a rule first, so the eight counters are read from the end of the line.
 */
export function parsePfLabels(stdout: string): PfLabel[] {
  const out: PfLabel[] = [];
  for (const line of stdout.split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 9) continue;
    const nums = parts.slice(-8);
    if (!nums.every((n) => /^\d+$/.test(n))) continue;
    const [evaluations, packets, bytes, packetsIn, bytesIn, packetsOut, bytesOut, states] = nums.map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    out.push({ labels: parts.slice(0, -8), evaluations, packets, bytes, packetsIn, bytesIn, packetsOut, bytesOut, states });
  }
  return out;
}

/** `zfs get -Hp -o name,value <prop> …` (zfs-get(8)): `name<TAB>value` lines → exact numbers by name. */
export function parseZfsGetNameValue(stdout: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const [name, value] = line.split("\t");
    if (name && value !== undefined && /^\d+$/.test(value.trim())) out.set(name, Number(value.trim()));
  }
  return out;
}

/**
 * `zfs get -Hp -o property,value p1,p2,… <dataset>` (zfs-get(8)): `property<TAB>value` lines →
 * exact numbers by property (bytes for sizes; "0" for an unset quota, zfsprops(7)). Throws if a
 * line is not a number, since a guessed size would decide a plan change.
 */
export function parseZfsProps(stdout: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of stdout.split("\n")) {
    if (!line.trim()) continue;
    const [prop, value] = line.split("\t");
    if (!prop || value === undefined || !/^\d+$/.test(value.trim()))
      throw new Error(`unexpected zfs get line: ${JSON.stringify(line.slice(0, 120))}`);
    out[prop] = Number(value.trim());
  }
  return out;
}

/**
 * `ps -J jid -o pid= -o nice= -o pcpu= -o comm=` (ps(1)): one `-o` per keyword with an empty
 * header, so no header line and four columns — pid, nice, pcpu (one decimal), comm (last, so
 * it may hold spaces). A keyword followed by `=` ends its -o list and everything after the `=`
 * is its header (parsefmt() in bin/ps/keyword.c), so `-o pid=,nice=,…` would print one pid
 * column under the header ",nice=,pcpu=,comm=". Throws on any line of another shape instead of
 * reading nothing.
 */
export function parsePs(stdout: string): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim()) continue;
    const m = /^\s*(\d+)\s+(-?\d+)\s+(\d+(?:\.\d+)?)\s+(.+?)\s*$/.exec(line);
    if (!m) throw new Error(`unexpected ps output line: ${JSON.stringify(line.slice(0, 120))}`);
    out.push({ pid: Number(m[1]), nice: Number(m[2]), cpuPercent: Number(m[3]), command: m[4]! });
  }
  return out;
}

/**
 * `pfctl -s memory` (pfctl(8); pfctl_show_limits() in sbin/pfctl/pfctl.c): one `name hard limit N`
 * or `name unlimited` line per pool → limits by name (null: unlimited). FreeBSD 15 adds an
 * `anchors` line (pf.conf(5) `set limit anchors`); older releases have none.
 */
export function parsePfLimits(stdout: string): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const line of stdout.split("\n")) {
    const m = /^(\S+)\s+(?:hard limit\s+(\d+)|unlimited)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2] === undefined ? null : Number(m[2]);
  }
  return out;
}

/** `pfctl -v -s Anchors` (pfctl_show_anchors() in sbin/pfctl/pfctl.c): every anchor path, two spaces in, recursively. */
export function parsePfAnchors(stdout: string): string[] {
  return stdout
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The IPv4 addresses configured on an interface, from `ifconfig <if>` (ifconfig(8): `\tinet <addr> netmask …` lines). */
export function parseIfconfigInet(stdout: string): string[] {
  return [...stdout.matchAll(/^\s+inet (\d+\.\d+\.\d+\.\d+) /gm)].map((m) => m[1]!);
}

/** `ssh-keygen -l -f key.pub` (ssh-keygen(1)): `bits SHA256:… comment (TYPE)` → the fingerprint, or null. */
export function parseSshKeygenFingerprint(stdout: string): string | null {
  const m = /^\d+\s+(SHA256:[A-Za-z0-9+/]+={0,2})\s/m.exec(stdout);
  return m ? m[1]! : null;
}

/** A decimal count (`du -k`'s blocks, a `zfs get -p` value); throws on anything else. */
export function toCount(s: string): number {
  if (!/^\d+$/.test(s)) throw new Error(`expected a number, got ${JSON.stringify(s.slice(0, 40))}`);
  return Number(s);
}
