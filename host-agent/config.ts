// The agent's configuration: written once by `host-agent enroll`, read by `host-agent run`.
// It holds the host's secret, so it is created with mode 0600 and refused if others can read it.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

/** Where built templates are cached when the enrolment names no other place. */
export const DEFAULT_TEMPLATE_CACHE = "/var/cache/cellblock/templates";

export const agentConfigSchema = z.object({
  url: z.string().url(),
  hostId: z.string(),
  hostName: z.string(),
  secret: z.string().min(20),
  driver: z.enum(["lxc", "freebsd"]),
  /** Spool, counters, hog state. */
  stateDir: z.string(),
  /** lxc: the bridge jails attach to; absent → jails get no network. */
  bridge: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,14}$/)
    .nullable()
    .default(null),
  lxcPath: z.string().default("/var/lib/lxc"),
  /** lxc: where built templates are cached, one tarball per template version (shared by the host's agents). */
  templateCache: z.string().startsWith("/").default(DEFAULT_TEMPLATE_CACHE),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

export const DEFAULT_CONFIG_PATH = "/etc/cellblock/agent.json";

export function writeConfig(file: string, config: AgentConfig) {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
}

export function readConfig(file: string): AgentConfig {
  const st = fs.statSync(file);
  if ((st.mode & 0o077) !== 0) throw new Error(`${file} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it.`);
  return agentConfigSchema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
}
