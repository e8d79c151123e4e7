// Fault-injection knobs for the fault tests, in the spirit of Nomad's mock driver
// (start_block_for): a pause at a named point so a test can kill the agent exactly there.
// Inert unless the environment variable is set.
export async function faultPause(point: "after-create"): Promise<void> {
  const ms = Number(process.env[`CELLBLOCK_FAULT_PAUSE_${point.toUpperCase().replace(/-/g, "_")}_MS`] ?? 0);
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}
