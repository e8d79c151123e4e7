// GET /api/metrics — Prometheus text format, for a scraper holding METRICS_TOKEN (off when unset).
import { metricsConfig } from "@/lib/config/server";
import { metricsWithFleetGauges } from "@/lib/server/fleet-metrics";
import { bearerTokenMatches } from "@/lib/http/bearer-token";

export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  const token = metricsConfig().METRICS_TOKEN;
  if (!token) return new Response("Metrics are off: set METRICS_TOKEN to turn them on.\n", { status: 404 });
  if (!bearerTokenMatches(req.headers.get("authorization"), token)) {
    return new Response("A bearer token is required.\n", { status: 401, headers: { "www-authenticate": "Bearer" } });
  }
  const registry = metricsWithFleetGauges();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}
