// host-agent enroll --url URL --token TOKEN [--config FILE] [--state-dir DIR] [--driver lxc|freebsd] [--bridge NAME] [--template-cache DIR]
// host-agent run [--config FILE]
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { Agent } from "./agent";
import { closeInheritedDescriptors } from "./console";
import { enroll } from "./api-client";
import { DEFAULT_CONFIG_PATH, DEFAULT_TEMPLATE_CACHE, readConfig, writeConfig } from "./config";
import { createDriver } from "./drivers";
import { systemRunner } from "./exec";
import { AgentMetrics, serveAgentMetrics, timedRunner } from "./metrics";
import { AGENT_VERSION } from "./version";
import { agentEnv } from "@/lib/config/agent";
import { superviseFromLauncher } from "@/lib/process/supervised";
import { AGENT_NODE_FLAGS, hasAgentNodeFlags } from "@/lib/hosts/agent-launch";

const USAGE = `usage:
  host-agent enroll --url URL --token TOKEN [--config FILE] [--state-dir DIR] [--driver lxc|freebsd] [--bridge NAME] [--template-cache DIR]
  host-agent run [--config FILE]`;

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      url: { type: "string" },
      token: { type: "string" },
      config: { type: "string", default: agentEnv().CELLBLOCK_AGENT_CONFIG ?? DEFAULT_CONFIG_PATH },
      "state-dir": { type: "string" },
      driver: { type: "string", default: process.platform === "freebsd" ? "freebsd" : "lxc" },
      bridge: { type: "string" },
      "lxc-path": { type: "string" },
      "template-cache": { type: "string" },
    },
  });
  const configFile = path.resolve(values.config!);

  if (command === "enroll") {
    if (!values.url || !values.token) throw new Error(`enroll needs --url and --token\n${USAGE}`);
    const driver = values.driver === "freebsd" ? "freebsd" : "lxc";
    const res = await enroll(values.url, { token: values.token, agentVersion: AGENT_VERSION, driver });
    const stateDir = path.resolve(values["state-dir"] ?? path.join(path.dirname(configFile), "state"));
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    writeConfig(configFile, {
      url: values.url,
      hostId: res.hostId,
      hostName: res.hostName,
      secret: res.secret,
      driver,
      stateDir,
      bridge: values.bridge ?? null,
      lxcPath: values["lxc-path"] ?? "/var/lib/lxc",
      templateCache: path.resolve(values["template-cache"] ?? DEFAULT_TEMPLATE_CACHE),
    });
    console.log(`[agent] enrolled as host ${res.hostName}; configuration written to ${configFile} (mode 0600)`);
    return;
  }
  if (command === "run") {
    // Before anything else: a descriptor inherited from the parent must not reach a console shell.
    const inherited = closeInheritedDescriptors();
    if (inherited?.length) console.log(`[agent] closed inherited descriptors ${inherited.join(", ")} (no console shell may inherit them)`);
    const config = readConfig(configFile);
    if (!hasAgentNodeFlags()) {
      console.log(
        `[agent] note: started without ${AGENT_NODE_FLAGS.join(" ")} (run it as: node ${AGENT_NODE_FLAGS.join(" ")} <bundle> run …); it works, but keeps more memory resident`,
      );
    }
    const metrics = new AgentMetrics();
    const agent = new Agent(config, await createDriver(config, timedRunner(systemRunner, metrics)), undefined, metrics);
    const { AGENT_METRICS_LISTEN: listen, AGENT_METRICS_TOKEN: token } = agentEnv();
    if (listen && token) {
      (await serveAgentMetrics({ listen, token, metrics })).unref();
      console.log(`[agent] metrics on http://${listen}/metrics (bearer token required)`);
    }
    // Under npm start / npm test: stop with the launcher, however it ends.
    superviseFromLauncher({ launched: agentEnv().CELLBLOCK_SUPERVISED === "1", onParentGone: () => agent.stop(), graceMs: 15_000 });
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      process.on(sig, () => {
        console.log(`[agent] ${sig}: finishing running jobs, then stopping`);
        agent.stop();
        setTimeout(() => process.exit(0), 15_000).unref();
      });
    }
    await agent.run();
    return;
  }
  throw new Error(USAGE);
}

main().catch((err) => {
  console.error(`[agent] ${(err as Error).message}`);
  process.exit(1);
});
