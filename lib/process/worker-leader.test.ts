// The worker leader against the real database: two contenders, one leads; when the leader's
// connection goes (released, or terminated by the server as when its process dies), the other
// takes over on its next check.
import crypto from "node:crypto";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { WorkerLeader } from "./worker-leader";

const url = process.env.DATABASE_URL!;
const made: WorkerLeader[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((l) => l.release()));
});

function contenders(lockName: string) {
  const logs: string[][] = [[], []];
  const pair = [0, 1].map((i) => new WorkerLeader({ databaseUrl: url, lockName, log: (l) => logs[i]!.push(l) }));
  made.push(...pair);
  return { a: pair[0]!, b: pair[1]!, logs };
}

async function waitFor(what: string, fn: () => Promise<boolean>) {
  for (let i = 0; i < 300; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("worker leader (pg_try_advisory_lock on a connection of its own)", () => {
  it("lets exactly one of two contenders lead, tick after tick, and hands over when the leader releases", async () => {
    const { a, b } = contenders(`test-leader-${crypto.randomBytes(4).toString("hex")}`);
    expect(await a.check()).toBe("leading");
    for (let tick = 0; tick < 5; tick++) {
      expect(await b.check()).toBe("standing-by");
      expect(await a.check()).toBe("leading");
    }
    await a.release();
    expect(a.leading).toBe(false);
    expect(await b.check()).toBe("leading");
    expect(await a.check()).toBe("standing-by");
  });

  it("hands over when the server drops the leader's connection (its process died), and the old leader learns it lost", async () => {
    const lockName = `test-leader-${crypto.randomBytes(4).toString("hex")}`;
    const { a, b, logs } = contenders(lockName);
    expect(await a.check()).toBe("leading");
    expect(await b.check()).toBe("standing-by");

    // What a SIGKILLed leader looks like to Postgres: its session ends. Terminate it from outside.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ pid: number }>(
        // An int8 advisory key shows as classid (high 32 bits) and objid (low 32 bits), objsubid 1.
        `SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
           AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtext($1)::bigint`,
        [lockName],
      );
      expect(rows).toHaveLength(1);
      await admin.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
    } finally {
      await admin.end();
    }

    await waitFor("the standby to take over", async () => (await b.check()) === "leading");
    expect(await a.check()).toBe("standing-by");
    expect(logs[0]!.some((l) => l.startsWith("lost the lead"))).toBe(true);
    expect(logs[1]).toContain("leading: this worker runs the periodic tasks");
  });
});
