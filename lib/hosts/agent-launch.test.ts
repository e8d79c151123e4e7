import { describe, expect, it } from "vitest";
import { AGENT_NODE_FLAGS, agentRunArgs, hasAgentNodeFlags } from "./agent-launch";

describe("how a host starts the agent", () => {
  it("runs the bundle with the agent's Node options before the script", () => {
    expect(agentRunArgs("/usr/local/libexec/cellblock-agent.mjs", "/etc/cellblock/agent.json")).toEqual([
      "--max-semi-space-size=2",
      "/usr/local/libexec/cellblock-agent.mjs",
      "run",
      "--config",
      "/etc/cellblock/agent.json",
    ]);
    // A bench comparing Node's defaults passes no options; the rest of the argv is the same.
    expect(agentRunArgs("/b.mjs", "/c.json", [])).toEqual(["/b.mjs", "run", "--config", "/c.json"]);
  });

  it("knows whether it was started with them, on the command line or in NODE_OPTIONS", () => {
    expect(hasAgentNodeFlags([...AGENT_NODE_FLAGS], "")).toBe(true);
    expect(hasAgentNodeFlags([], "--max-semi-space-size=2 --enable-source-maps")).toBe(true);
    expect(hasAgentNodeFlags([], "")).toBe(false);
    expect(hasAgentNodeFlags(["--max-semi-space-size=16"], "")).toBe(false);
  });
});
