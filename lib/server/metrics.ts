// Prometheus metrics of the control plane (prom-client, the standard Node client). One registry
// per process, kept on globalThis: the front door (scripts/serve.ts) and the Next.js route
// handlers load this module separately and must count into the same one. It imports nothing
// that reaches the database: the front door runs outside Next.js's server-only graph, and the
// fleet gauges are added by the scrape route (lib/server/fleet-metrics.ts).
import client from "prom-client";

type Metrics = {
  registry: client.Registry;
  httpDuration: client.Histogram<"method" | "route" | "status">;
  leaseLatency: client.Histogram;
  usageSamples: client.Counter;
  heartbeats: client.Counter;
  /** Set once the fleet gauges are registered (lib/server/fleet-metrics.ts). */
  fleetGauges?: boolean;
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
