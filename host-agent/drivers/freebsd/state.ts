// What the freebsd driver records about each jail on the host's disk, beside the jail(8) file:
// the spec it was built from (its addresses and limits) and the generation of the pf rules it
// last loaded. The kernel forgets rctl rules and runtime-loaded pf anchors on every reboot
// (rctl(8), pfctl(8)); this file is how start() and recover() put them back, the way Bastille
// re-applies each jail's rctl.conf and rdr.conf in `bastille start` (usr/local/share/bastille/start.sh).
import { z } from "zod";
import { jailSpec, type JailLimits, type JailSpec } from "@/lib/schemas/jobs";
import { readFileIfExists } from "../driver-fs";
import { jailPaths, type FreeBsdHost } from "./config";

const STATE_VERSION = 1;

export const jailStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  spec: jailSpec,
  /** Bumped before every load of the jail's anchor; part of its labels (see pf.ts). */
  anchorGeneration: z.number().int().min(0),
  /** The rules last loaded into the anchor (pf.conf(5) text), to reload only when they differ. */
  anchorRules: z.string(),
});
export type JailState = z.infer<typeof jailStateSchema>;

/**
 * The jail's recorded state, or null if there is none (a jail made before the agent recorded
 * state). Throws an Error naming the file if it exists but does not parse: guessing limits or
 * addresses would be worse than stopping.
 */
export async function readJailState(host: FreeBsdHost, name: string): Promise<JailState | null> {
  const file = jailPaths(host.config, name).state;
  const text = await readFileIfExists(host.fs, file);
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; fix or remove it, then run the job again`);
  }
  const parsed = jailStateSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file} is not a valid jail state (${parsed.error.issues[0]?.message}); fix or remove it`);
  return parsed.data;
}

/** Writes the jail's state atomically (mode 0600: it holds nothing secret, but nobody else needs it). */
export async function writeJailState(host: FreeBsdHost, state: JailState): Promise<void> {
  await host.fs.mkdir(host.config.stateDir, { recursive: true, mode: 0o700 });
  await host.fs.writeFile(jailPaths(host.config, state.spec.name).state, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** The state for a (new or rebuilt) spec, keeping the anchor generation already recorded. */
export function stateFor(spec: JailSpec, previous: JailState | null): JailState {
  return { version: STATE_VERSION, spec, anchorGeneration: previous?.anchorGeneration ?? 0, anchorRules: previous?.anchorRules ?? "" };
}

/** The state with new limits (a plan change). */
export function withLimits(state: JailState, limits: JailLimits): JailState {
  return { ...state, spec: { ...state.spec, limits } };
}

/** Removes the jail's state file (destroy). */
export async function removeJailState(host: FreeBsdHost, name: string): Promise<void> {
  await host.fs.rm(jailPaths(host.config, name).state, { force: true });
}
