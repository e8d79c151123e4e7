// A host's health is derived from its last heartbeat at read time, so it is never stale itself
// and needs no sweep. A silent host is "unknown" to the customer: nothing is destroyed or moved
// because of it.
import { hostsConfig } from "@/lib/config/server";
import { MS_PER_SECOND } from "@/lib/units";

export type HostHealth = "ONLINE" | "STALE" | "OFFLINE" | "NEVER";

/** Silence (ms since the last heartbeat) after which a host is stale / offline. */
export function healthThresholds() {
  const cfg = hostsConfig();
  return { staleAfterMs: cfg.HOST_STALE_AFTER_SECONDS * MS_PER_SECOND, offlineAfterMs: cfg.HOST_OFFLINE_AFTER_SECONDS * MS_PER_SECOND };
}

export function hostHealth(lastHeartbeatAt: Date | null, now = new Date()): HostHealth {
  if (!lastHeartbeatAt) return "NEVER";
  const age = now.getTime() - lastHeartbeatAt.getTime();
  const t = healthThresholds();
  if (age > t.offlineAfterMs) return "OFFLINE";
  if (age > t.staleAfterMs) return "STALE";
  return "ONLINE";
}

/** The heartbeat must be newer than this for the host to take new jails. */
export function onlineSince(now = new Date()): Date {
  return new Date(now.getTime() - healthThresholds().staleAfterMs);
}
