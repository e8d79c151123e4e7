// How a jailing host starts the agent: the path the operator puts the bundle at and the Node
// options it runs with. One place, read by the console's enrolment commands, npm start, npm test,
// the e2e agents and the benches, so every agent in the product runs the way a host does.

/** Where the operator puts the agent bundle on a host (README, "The host agent"). */
export const AGENT_PATH_ON_HOST = "/usr/local/libexec/cellblock-agent.mjs";

/**
 * Node (V8) options for the agent process. `--max-semi-space-size=2` caps V8's young
 * generation at 2 MB per semi-space (Node 20's default grows to 16 MB): the agent's work is
 * many short-lived strings (command output, /sys and /proc reads for every jail each usage
 * poll), which otherwise grow the young generation to its maximum and keep it resident. V8
 * reads heap sizes when the isolate is made, so this must be on the command line
 * (v8.setFlagsFromString at run time does not resize the heap). Measured by bench:agent-scale
 * against the same agent without it.
 */
export const AGENT_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=2"];

/** True when this process was started with AGENT_NODE_FLAGS (`process.execArgv`, or NODE_OPTIONS). */
export function hasAgentNodeFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ""): boolean {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  return AGENT_NODE_FLAGS.every((f) => given.includes(f));
}

/**
 * The argv (after the `node` binary) that runs the agent bundle `bundle` with its configuration
 * file: `[...nodeFlags, bundle, "run", "--config", configFile]`. `nodeFlags` is AGENT_NODE_FLAGS
 * (as a host runs it) unless a bench compares other Node options.
 */
export function agentRunArgs(bundle: string, configFile: string, nodeFlags: readonly string[] = AGENT_NODE_FLAGS): string[] {
  return [...nodeFlags, bundle, "run", "--config", configFile];
}
