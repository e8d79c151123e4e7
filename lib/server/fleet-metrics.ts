// The fleet gauges (jobs by status, oldest queued job, hosts by health), read from the
// database at scrape time so every web process reports the fleet's truth. Registered by the
// scrape route only: the front door (scripts/serve.ts) shares the registry but must not load
// the database client.
import client from "prom-client";
import { getFleetFigures, type FleetFigures } from "@/lib/domain/metrics/fleet-figures";
import { metrics } from "@/lib/server/metrics";

/** This process's registry with the fleet gauges added (once). */
export function metricsWithFleetGauges(): client.Registry {
  const m = metrics();
  if (m.fleetGauges) return m.registry;
  m.fleetGauges = true;
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
    registers: [m.registry],
    async collect() {
      for (const [status, n] of Object.entries((await figures()).jobsByStatus)) this.set({ status }, n);
    },
  });
  new client.Gauge({
    name: "cellblock_job_oldest_queued_seconds",
    help: "How long the oldest due queued job has waited.",
    registers: [m.registry],
    async collect() {
      this.set((await figures()).oldestQueuedSeconds);
    },
  });
  new client.Gauge({
    name: "cellblock_hosts",
    help: "Hosts by heartbeat health.",
    labelNames: ["health"],
    registers: [m.registry],
    async collect() {
      for (const [health, n] of Object.entries((await figures()).hostsByHealth)) this.set({ health }, n);
    },
  });
  return m.registry;
}
