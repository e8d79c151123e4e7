// Fault-injection knobs for the fault tests, in the spirit of Nomad's mock driver
// (start_block_for): a pause at a named point so a test can kill the agent exactly there.
// Inert unless the environment variable is set (lib/config/agent.ts).
import { agentEnv } from "@/lib/config/agent";

const PAUSES = { "after-create": () => agentEnv().CELLBLOCK_FAULT_PAUSE_AFTER_CREATE_MS } as const;

/** Waits the configured number of ms at `point` (0 → returns at once). */
export async function faultPause(point: keyof typeof PAUSES): Promise<void> {
  const ms = PAUSES[point]();
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}
