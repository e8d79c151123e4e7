import type { AgentConfig } from "../config";
import { systemRunner } from "../exec";
import type { Driver } from "./driver";
import { LxcDriver } from "./lxc";

export function createDriver(config: Pick<AgentConfig, "driver" | "bridge" | "lxcPath">): Driver {
  switch (config.driver) {
    case "lxc":
      return new LxcDriver({ runner: systemRunner, bridge: config.bridge, lxcPath: config.lxcPath });
    case "freebsd":
      throw new Error("The freebsd driver is not part of this build yet.");
  }
}
