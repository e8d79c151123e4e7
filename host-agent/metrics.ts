// Prometheus metrics of one host agent (prom-client, the standard Node client, as the control
// plane uses): jobs by type and outcome, how long they and each command took, the spool's depth,
// whether the control plane answers, and how long a usage poll of every jail took. Served over
// HTTP only when AGENT_METRICS_LISTEN is set, and only to a scraper presenting
// AGENT_METRICS_TOKEN (lib/config/agent.ts). The agent otherwise opens no port: it only calls out.
import http from "node:http";
import path from "node:path";
import client from "prom-client";
import { bearerTokenMatches } from "@/lib/http/bearer-token";
import type { ExecOptions, ExecResult, Runner } from "./exec";
import { CommandError } from "./exec";
import type { SpoolKind } from "./spool";

/** Tools whose first argument is a subcommand worth its own label (`zfs snapshot`, `restic backup`). */
const SUBCOMMAND_TOOLS = new Set(["zfs", "zpool", "restic", "ip", "service", "sysrc"]);

/**
 * The `command` label of an argv: the program's base name, plus its subcommand for the tools
 * above. Never a path, a jail name or an argument value, so the label set stays small.
 */
export function commandLabel(argv: string[]): string {
  const tool = path.basename(argv[0] ?? "?");
  const sub = argv[1];
  return SUBCOMMAND_TOOLS.has(tool) && sub && /^[a-z][a-z-]{1,20}$/.test(sub) ? `${tool} ${sub}` : tool;
}

export class AgentMetrics {
  readonly registry = new client.Registry();
  readonly jobs = new client.Counter({
    name: "cellblock_agent_jobs_total",
    help: "Jobs this agent finished, by type and outcome (SUCCEEDED, FAILED, or HANDED_ON when its lease went to another attempt).",
    labelNames: ["type", "outcome"] as const,
    registers: [this.registry],
  });
  readonly jobDuration = new client.Histogram({
    name: "cellblock_agent_job_duration_seconds",
    help: "From a job's start on this agent to its result, by type.",
    labelNames: ["type"] as const,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
    registers: [this.registry],
  });
  readonly jobsRunning = new client.Gauge({
    name: "cellblock_agent_jobs_running",
    help: "Jobs running on this agent now.",
    registers: [this.registry],
  });
  readonly commandDuration = new client.Histogram({
    name: "cellblock_agent_command_duration_seconds",
    help: "Duration of each command the agent ran, by program (and subcommand) and outcome (ok, error, timeout).",
    labelNames: ["command", "outcome"] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
    registers: [this.registry],
  });
  readonly usagePollDuration = new client.Histogram({
    name: "cellblock_agent_usage_poll_duration_seconds",
    help: "One usage poll of every jail on the host (driver.usage), by how many jails it measured.",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  readonly controlPlaneUp = new client.Gauge({
    name: "cellblock_agent_control_plane_up",
    help: "1 when the control plane answered the agent's last call, 0 while it is unreachable (results and usage are spooled).",
    registers: [this.registry],
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: "cellblock_agent_" });
    this.controlPlaneUp.set(1);
  }

  /** Reports the spool's depth per kind at scrape time (files waiting under <stateDir>/spool/). */
  watchSpool(count: (kind: SpoolKind) => number) {
    new client.Gauge({
      name: "cellblock_agent_spool_items",
      help: "Items waiting in the on-disk spool for the control plane, by kind.",
      labelNames: ["kind"] as const,
      registers: [this.registry],
      collect() {
        for (const kind of ["results", "usage", "hogs"] as const) this.set({ kind }, count(kind));
      },
    });
  }
}

/** A Runner that times every command into `metrics` and otherwise behaves exactly as `inner`. */
export function timedRunner(inner: Runner, metrics: AgentMetrics): Runner {
  return {
    async run(argv: string[], opts?: ExecOptions): Promise<ExecResult> {
      const end = metrics.commandDuration.startTimer({ command: commandLabel(argv) });
      try {
        const result = await inner.run(argv, opts);
        end({ outcome: "ok" });
        return result;
      } catch (err) {
        end({ outcome: err instanceof CommandError && err.timedOut ? "timeout" : "error" });
        throw err;
      }
    },
  };
}

/**
 * Serves `GET /metrics` (Prometheus text format) on `listen` ("127.0.0.1:9464", "[::1]:9464") to
 * a client presenting `Authorization: Bearer <token>`; 401 without it, 404 for any other path.
 * Resolves once listening.
 * @throws the listen error (e.g. EADDRINUSE) as a readable Error.
 */
export function serveAgentMetrics(opts: { listen: string; token: string; metrics: AgentMetrics }): Promise<http.Server> {
  const i = opts.listen.lastIndexOf(":");
  const host = opts.listen.slice(0, i).replace(/^\[(.*)\]$/, "$1");
  const port = Number(opts.listen.slice(i + 1));
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found: the agent serves only GET /metrics.\n");
      return;
    }
    if (!bearerTokenMatches(req.headers.authorization, opts.token)) {
      res.writeHead(401, { "content-type": "text/plain", "www-authenticate": "Bearer" }).end("A bearer token is required.\n");
      return;
    }
    opts.metrics.registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": opts.metrics.registry.contentType, "cache-control": "no-store" }).end(text),
      (err: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`metrics failed: ${err.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", (err) => reject(new Error(`agent metrics cannot listen on ${opts.listen}: ${err.message}`)));
    server.listen(port, host, () => resolve(server));
  });
}
