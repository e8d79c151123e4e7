// A host's health is derived from its last heartbeat at read time, so it is never stale itself
// and needs no sweep. A silent host is "unknown" to the customer: nothing is destroyed or moved
// because of it.
export type HostHealth = "ONLINE" | "STALE" | "OFFLINE" | "NEVER";

export function healthThresholds() {
  return {
    staleAfterMs: Number(process.env.HOST_STALE_AFTER_SECONDS ?? 30) * 1000,
    offlineAfterMs: Number(process.env.HOST_OFFLINE_AFTER_SECONDS ?? 120) * 1000,
  };
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
