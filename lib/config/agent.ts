// The host agent's environment (its enrolment file is host-agent/config.ts). Shares the usage
// defaults with the server through ./shared; an explicit variable here overrides what the
// server sends in heartbeats (tests use that).
import { z } from "zod";
import { configSection, intVar } from "./read-config";
import { usageSettingsSchema } from "./shared";

export const agentEnv = configSection(
  "agent",
  z
    .object({
      AGENT_HEARTBEAT_SECONDS: intVar(1, 3600, 5, "seconds between heartbeats"),
      AGENT_MAX_JOBS: intVar(1, 64, 2, "jobs the agent runs at once"),
      CELLBLOCK_AGENT_CONFIG: z.string().optional().describe("path of the enrolment file"),
      // Set by npm start / npm test: exit when the launcher's pipe closes (lib/process/supervised.ts).
      CELLBLOCK_SUPERVISED: z.enum(["0", "1"]).default("0"),
      // Optional overrides of what the server sends (absent → the server decides).
      USAGE_INTERVAL: usageSettingsSchema.shape.USAGE_INTERVAL.unwrap().optional(),
      HOG_CPU_PERCENT: usageSettingsSchema.shape.HOG_CPU_PERCENT.unwrap().optional(),
      HOG_SECONDS: usageSettingsSchema.shape.HOG_SECONDS.unwrap().optional(),
      // freebsd driver: the interface carrying the public pool, the jails' ZFS dataset (absent →
      // tarball roots), and where roots live.
      CELLBLOCK_EXT_IF: z
        .string()
        .regex(/^[a-z][a-z0-9_.]{0,14}$/, "expected an interface name such as em0")
        .default("em0"),
      CELLBLOCK_ZFS_DATASET: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, "expected a ZFS dataset name such as zroot/cellblock/jails")
        .optional(),
      CELLBLOCK_JAILS_ROOT: z.string().startsWith("/", "expected an absolute path").optional(),
      // Prometheus metrics of this agent (host-agent/metrics.ts): off unless a listen address is set.
      AGENT_METRICS_LISTEN: z
        .string()
        .regex(/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):\d{1,5}$/, "expected address:port, such as 127.0.0.1:9464 or [::1]:9464")
        .optional()
        .describe("where the agent serves GET /metrics; unset → no metrics server"),
      AGENT_METRICS_TOKEN: z
        .string()
        .min(20, "expected at least 20 characters")
        .optional()
        .describe("bearer token a scraper of the agent presents"),
      // Fault injection for the fault tests: pause after a named step (ms). Inert when unset.
      CELLBLOCK_FAULT_PAUSE_AFTER_CREATE_MS: intVar(0, 3_600_000, 0, "test only: pause after lxc-create, in ms"),
      // A host whose clock is off: shifts the agent's reading of the wall clock by this many s.
      CELLBLOCK_FAULT_CLOCK_OFFSET_SECONDS: intVar(-86_400, 86_400, 0, "test only: shift the host's wall clock, in s"),
    })
    .superRefine((env, ctx) => {
      if (env.AGENT_METRICS_LISTEN && !env.AGENT_METRICS_TOKEN) {
        ctx.addIssue({
          code: "custom",
          path: ["AGENT_METRICS_TOKEN"],
          message: "required when AGENT_METRICS_LISTEN is set (metrics are never served without a token)",
        });
      }
    }),
);
export type AgentEnv = ReturnType<typeof agentEnv>;
