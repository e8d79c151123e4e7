// The simulator's client processes (bench/fleet/sim-client.ts), seen from bench/fleet.ts:
// the hosts dealt round-robin over `count` processes, one command at a time to all of them,
// and their reports gathered.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ClientCommand, ClientReport, FleetReport, IngestReport, SimHostSlice } from "./protocol";

const CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), "sim-client.ts");

export type Clients = {
  ingest(rounds: number, firstAtMs: number, intervalMs: number, concurrency: number): Promise<IngestReport[]>;
  fleet(durationMs: number, heartbeatMs: number, usageIntervalMs: number, jobWorkMs: number): Promise<FleetReport[]>;
  stop(): Promise<void>;
};

function next(child: ChildProcess): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: ClientReport) => {
      cleanup();
      if (m.type === "error") reject(new Error(`fleet client: ${m.message}`));
      else resolve(m);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`fleet client exited (${code})`));
    };
    const cleanup = () => {
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

/** Starts `count` client processes for `hosts` against `url`; resolves once all are ready. */
export async function startClients(url: string, hosts: SimHostSlice[], count: number): Promise<Clients> {
  const children = Array.from({ length: Math.min(count, hosts.length) }, () =>
    fork(CLIENT, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }),
  );
  const all = async <R extends ClientReport>(cmd: (i: number) => ClientCommand): Promise<R[]> =>
    Promise.all(
      children.map((c, i) => {
        const reply = next(c);
        c.send(cmd(i));
        return reply as Promise<R>;
      }),
    );
  await all((i) => ({ type: "init", url, hosts: hosts.filter((_, k) => k % children.length === i) }));
  return {
    ingest: (rounds, firstAtMs, intervalMs, concurrency) =>
      all<IngestReport>(() => ({
        type: "ingest",
        rounds,
        firstAtMs,
        intervalMs,
        concurrency: Math.max(1, Math.ceil(concurrency / children.length)),
      })),
    fleet: (durationMs, heartbeatMs, usageIntervalMs, jobWorkMs) =>
      all<FleetReport>(() => ({ type: "fleet", durationMs, heartbeatMs, usageIntervalMs, jobWorkMs })),
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) return resolve();
              c.once("exit", () => resolve());
              c.send({ type: "exit" } satisfies ClientCommand);
              setTimeout(() => c.kill(), 5000).unref();
            }),
        ),
      );
    },
  };
}
