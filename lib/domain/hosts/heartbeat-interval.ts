import { db } from "@/lib/db";
import { hostsConfig } from "@/lib/config/server";

/**
 * The heartbeat interval, in whole seconds, that keeps a fleet of `enrolledHosts` at or under
 * `maxPerSecond` heartbeats a second in total: ⌈hosts / maxPerSecond⌉, at least 1 — so the
 * control plane's heartbeat load stays flat as hosts enrol instead of growing with the fleet.
 * This is Nomad's rule (server stanza: `max_heartbeats_per_second`, default 50; a node's TTL is
 * clamp(N / max_heartbeats_per_second, min_heartbeat_ttl, …)).
 *
 * Never more than a third of `staleAfterSeconds`, so a live host always has three beats before
 * it shows stale: past that size the cap gives way (the rate then grows with the fleet again,
 * and HOST_STALE_AFTER_SECONDS must be raised with it). An agent never beats faster than its own
 * AGENT_HEARTBEAT_SECONDS either (host-agent/agent.ts takes the larger of the two).
 * @throws Error when an argument is not a positive finite number.
 */
export function heartbeatIntervalSeconds(enrolledHosts: number, maxPerSecond: number, staleAfterSeconds: number): number {
  for (const [name, v] of Object.entries({ maxPerSecond, staleAfterSeconds }))
    if (!Number.isFinite(v) || v <= 0) throw new Error(`heartbeatIntervalSeconds: ${name} must be a positive number (got ${v})`);
  if (!Number.isFinite(enrolledHosts) || enrolledHosts < 0)
    throw new Error(`heartbeatIntervalSeconds: enrolledHosts must be ≥ 0 (got ${enrolledHosts})`);
  const wanted = Math.max(1, Math.ceil(enrolledHosts / maxPerSecond));
  return Math.min(wanted, Math.max(1, Math.floor(staleAfterSeconds / 3)));
}

/** How long a counted fleet size is reused: enrolments are rare, heartbeats are not. */
const FLEET_SIZE_TTL_MS = 60_000;
let fleetSize: { hosts: number; countedAt: number } | null = null;

/**
 * The interval this control plane hands every agent with each heartbeat answer, in seconds:
 * heartbeatIntervalSeconds over the enrolled, not removed hosts, with MAX_HEARTBEATS_PER_SECOND
 * and HOST_STALE_AFTER_SECONDS from the server settings. The count is kept for a minute per
 * process, so a heartbeat costs no extra query; a newly enrolled fleet settles within one.
 */
export async function fleetHeartbeatIntervalSeconds(nowMs = Date.now()): Promise<number> {
  if (!fleetSize || nowMs - fleetSize.countedAt > FLEET_SIZE_TTL_MS) {
    const hosts = await db.host.count({ where: { agentTokenHash: { not: null }, removedAt: null } });
    fleetSize = { hosts, countedAt: nowMs };
  }
  const cfg = hostsConfig();
  return heartbeatIntervalSeconds(fleetSize.hosts, cfg.MAX_HEARTBEATS_PER_SECOND, cfg.HOST_STALE_AFTER_SECONDS);
}
