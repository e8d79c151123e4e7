// Prometheus metrics of the control plane (prom-client, the standard Node client). One registry
// per process, kept on globalThis: the front door (scripts/serve.ts) and the Next.js route
// handlers load this module separately and must count into the same one.
import client from "prom-client";
import { getFleetFigures, type FleetFigures } from "@/lib/domain/metrics/fleet-figures";

type Metrics = {
  registry: client.Registry;
  httpDuration: client.Histogram<"method" | "route" | "status">;
  leaseLatency: client.Histogram;
  usageSamples: client.Counter;
  heartbeats: client.Counter;
};

const g = globalThis as unknown as { cellblockMetrics?: Metrics };

function create(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "cellblock_" });
  const metrics: Metrics = {
    registry,
    httpDuration: new client.Histogram({
      name: "cellblock_http_request_duration_seconds",
      help: "HTTP request duration by route (ids folded into :id), method and status.",
      labelNames: ["method", "route", "status"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30],
      registers: [registry],
    }),
    leaseLatency: new client.Histogram({
      name: "cellblock_job_lease_latency_seconds",
      help: "From a job becoming due to its first lease by an agent.",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300],
      registers: [registry],
    }),
    usageSamples: new client.Counter({
      name: "cellblock_usage_samples_ingested_total",
      help: "Usage samples received from agents (duplicates of a resent batch included).",
      registers: [registry],
    }),
    heartbeats: new client.Counter({ name: "cellblock_heartbeats_total", help: "Heartbeats received from agents.", registers: [registry] }),
  };
  // Figures read from the database at scrape time, so every web process reports the fleet's
  // truth. The registry collects metrics concurrently: the three gauges share one read per scrape.
  let pending: { at: number; figures: Promise<FleetFigures> } | null = null;
  const figures = () => {
    if (!pending || Date.now() - pending.at > 1000) pending = { at: Date.now(), figures: getFleetFigures() };
    return pending.figures;
  };
  new client.Gauge({
    name: "cellblock_jobs",
    help: "Jobs by status (open ones exactly; ended ones over the last 24 h).",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      for (const [status, n] of Object.entries((await figures()).jobsByStatus)) this.set({ status }, n);
    },
  });
  new client.Gauge({
    name: "cellblock_job_oldest_queued_seconds",
    help: "How long the oldest due queued job has waited.",
    registers: [registry],
    async collect() {
      this.set((await figures()).oldestQueuedSeconds);
    },
  });
  new client.Gauge({
    name: "cellblock_hosts",
    help: "Hosts by heartbeat health.",
    labelNames: ["health"],
    registers: [registry],
    async collect() {
      for (const [health, n] of Object.entries((await figures()).hostsByHealth)) this.set({ health }, n);
    },
  });
  return metrics;
}

/** This process's metrics (created on first use). */
export function metrics(): Metrics {
  return (g.cellblockMetrics ??= create());
}

/**
 * A route label for a request path, with ids folded so the label set stays small:
 * `/jails/cmx2…/activity` → `/jails/:id/activity`; at most four segments.
 */
export function routeLabel(path: string): string {
  const segments = path.split("?")[0]!.split("/").filter(Boolean).slice(0, 4);
  return "/" + segments.map((s) => (/^[a-z0-9]{20,}$/i.test(s) || /^\d+$/.test(s) || s.length > 40 ? ":id" : s)).join("/");
}
