// Usage ingest through POST /api/agent/usage, and its floor: a plain COPY of as many rows of the
// same shape into the same table, in the same run. The COPY reads a CSV the bench writes
// beforehand into the harness's directory (server-side COPY FROM a file: the database's
// own bulk path with no client in the way); only the COPY statement is timed.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { Clients } from "./clients";
import type { SimHostSlice } from "./protocol";

const INTERVAL_MS = 300_000;

export type IngestFigures = {
  samples: number;
  duplicates: number;
  rejected: number;
  errors: number;
  errorSamples: string[];
  inFlight: number;
  wallMs: number;
  samplesPerSecond: number;
  batchMs: number[];
  clientCpuMs: number;
  copyRows: number;
  copyMs: number;
  copySamplesPerSecond: number;
};

/** The jail id of a generated jail name (bench/fleet/seed-fleet.ts: cbfleet0000042 ↔ fj0000042). */
const jailIdOf = (name: string) => `fj${name.slice("cbfleet".length)}`;

/**
 * Every simulated host sends `rounds` batches (one sample per jail, as its agent would every
 * USAGE_INTERVAL), `concurrency` batches in flight at once; then the same number of rows is COPYed. Sample times are
 * 17 s past the 5-minute marks of the last `rounds` intervals (the COPY's a day earlier), so
 * neither collides with the other or with the seeded samples.
 */
export async function measureIngest(opts: {
  clients: Clients;
  hosts: SimHostSlice[];
  rounds: number;
  /** Batches in flight at once, over all client processes. */
  concurrency: number;
  databaseUrl: string;
  scratchDir: string;
}): Promise<IngestFigures> {
  const firstAtMs = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS - opts.rounds * INTERVAL_MS + 17_000;
  const t0 = performance.now();
  const reports = await opts.clients.ingest(opts.rounds, firstAtMs, INTERVAL_MS, opts.concurrency);
  const wallMs = performance.now() - t0;
  const samples = reports.reduce((s, r) => s + r.accepted, 0);

  // The floor: as many rows, same columns, one COPY.
  const file = path.join(opts.scratchDir, "fleet-usage.csv");
  const out = fs.openSync(file, "w", 0o644);
  let copyRows = 0;
  try {
    for (let r = 0; r < opts.rounds && copyRows < samples; r++) {
      const at = new Date(firstAtMs - 86_400_000 + r * INTERVAL_MS).toISOString();
      const lines: string[] = [];
      for (const h of opts.hosts)
        h.jails.forEach((j, k) => {
          if (copyRows + lines.length >= samples) return;
          lines.push(
            `${jailIdOf(j.name)},${at},${h.id},${1_073_741_824 + k * 1_048_576},${j.running ? 268_435_456 + k * 4096 : 0},${j.running ? (k % 40) + 0.5 : 0},${j.running ? 12 : 0},${100_000 + k},${50_000 + k}`,
          );
        });
      fs.writeSync(out, lines.join("\n") + "\n");
      copyRows += lines.length;
    }
  } finally {
    fs.closeSync(out);
  }
  fs.chmodSync(opts.scratchDir, 0o755);
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  let copyMs: number;
  try {
    const c0 = performance.now();
    await client.query(
      `COPY "UsageSample" ("jailId", "sampledAt", "hostId", "diskBytes", "memoryBytes", "cpuPercent", "processes", "netRxBytes", "netTxBytes")
       FROM '${file.replace(/'/g, "''")}' WITH (FORMAT csv)`,
    );
    copyMs = performance.now() - c0;
  } finally {
    await client.end();
    fs.rmSync(file, { force: true });
  }
  return {
    samples,
    duplicates: reports.reduce((s, r) => s + r.duplicates, 0),
    rejected: reports.reduce((s, r) => s + r.rejected, 0),
    errors: reports.reduce((s, r) => s + r.errors, 0),
    errorSamples: reports.flatMap((r) => r.errorSamples),
    inFlight: reports.reduce((s, r) => s + r.inFlight, 0),
    wallMs,
    samplesPerSecond: samples / (wallMs / 1000),
    batchMs: reports.flatMap((r) => r.ms),
    clientCpuMs: reports.reduce((s, r) => s + r.cpuMs, 0),
    copyRows,
    copyMs,
    copySamplesPerSecond: copyRows / (copyMs / 1000),
  };
}
