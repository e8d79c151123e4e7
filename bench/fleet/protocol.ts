// Messages between bench/fleet.ts and its client processes (bench/fleet/sim-client.ts).
// Times are in ms; `*Ms` arrays hold one entry per request, measured by the client.

export type SimHostSlice = { id: string; secret: string; jails: Array<{ name: string; running: boolean }> };

export type ClientCommand =
  | { type: "init"; url: string; hosts: SimHostSlice[] }
  | { type: "ingest"; rounds: number; firstAtMs: number; intervalMs: number; concurrency: number }
  | { type: "fleet"; durationMs: number; heartbeatMs: number; usageIntervalMs: number; jobWorkMs: number }
  | { type: "exit" };

export type IngestReport = {
  type: "ingest";
  ms: number[];
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: number;
  errorSamples: string[];
  /** Requests still unanswered when the phase reported. */
  inFlight: number;
  wallMs: number;
  cpuMs: number;
};

export type FleetReport = {
  type: "fleet";
  heartbeatMs: number[];
  /** The slowest heartbeat pace the control plane asked for (heartbeatIntervalSeconds), ms. */
  askedHeartbeatMs: number;
  usageMs: number[];
  completeMs: number[];
  leaseReturnMs: number[];
  leased: number;
  errors: number;
  errorSamples: string[];
  inFlight: number;
  cpuMs: number;
};

export type ClientReport = { type: "ready" } | { type: "error"; message: string } | IngestReport | FleetReport;
