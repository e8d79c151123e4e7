// Settings the control plane and the host agent share. The server sends them to agents with
// every heartbeat; an agent's own environment may override them (for tests). Defaults live here
// and nowhere else.
import { z } from "zod";
import { intVar } from "./read-config";

export const USAGE_DEFAULTS = {
  /** Seconds between two usage samples of a jail (DESIGN: default 5 minutes). */
  usageIntervalSeconds: 300,
  /** A process above this share of one core (percent)… */
  hogCpuPercent: 80,
  /** …for this many seconds is reniced (DESIGN, from the seed: "5 minutes"). */
  hogSeconds: 300,
} as const;

export const usageSettingsSchema = z.object({
  USAGE_INTERVAL: intVar(1, 86_400, USAGE_DEFAULTS.usageIntervalSeconds, "seconds between usage samples"),
  HOG_CPU_PERCENT: intVar(1, 10_000, USAGE_DEFAULTS.hogCpuPercent, "CPU percent (100 = one core) above which a process is a hog"),
  HOG_SECONDS: intVar(1, 86_400, USAGE_DEFAULTS.hogSeconds, "seconds a process must stay above the threshold before it is reniced"),
});
