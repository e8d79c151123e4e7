import type { AgentConfig } from "../config";
import { agentEnv } from "@/lib/config/agent";
import { systemRunner, type Runner } from "../exec";
import type { Driver } from "./driver";
import { nodeDriverFs } from "./driver-fs";
import { FreeBsdDriver } from "./freebsd/driver";
import { LxcDriver } from "./lxc/driver";

/**
 * The driver the agent's configuration names, on the real host: the node file system and the
 * system runner (or `runner`, e.g. the system runner timed into the agent's metrics).
 */
export async function createDriver(
  config: Pick<AgentConfig, "driver" | "bridge" | "lxcPath" | "templateCache">,
  runner: Runner = systemRunner,
): Promise<Driver> {
  switch (config.driver) {
    case "lxc":
      return new LxcDriver({
        runner,
        fs: await nodeDriverFs(),
        bridge: config.bridge,
        lxcPath: config.lxcPath,
        templateCache: config.templateCache,
      });
    case "freebsd":
      // Host specifics come from the environment of the agent's service (rc.conf):
      // the interface that carries the public pool, and the jails' ZFS dataset.
      return new FreeBsdDriver({
        runner,
        fs: await nodeDriverFs(),
        config: {
          externalInterface: agentEnv().CELLBLOCK_EXT_IF,
          zfsDataset: agentEnv().CELLBLOCK_ZFS_DATASET ?? null,
          ...(agentEnv().CELLBLOCK_JAILS_ROOT ? { jailsRoot: agentEnv().CELLBLOCK_JAILS_ROOT } : {}),
        },
      });
  }
}
