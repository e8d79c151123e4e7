// A suspension and a customer's Start at the same instant. The account check and the state change
// must not interleave: a Start may not read "ACTIVE", let a suspension commit, and then queue a
// START for a suspended account. The lock order is account, then jail, in both.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { customerActor, staffActor } from "@/lib/domain/actor";
import { suspendAccount } from "@/lib/domain/billing/suspend-account";
import { createCustomer, createHost, createJailRow, createStaff } from "@/lib/test/factories";
import { startJail } from "./change-jail-power";

describe("suspension vs start", () => {
  it("a Start that arrives while a suspension holds the account waits for it, then is refused", async () => {
    const host = await createHost();
    const { user, account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, state: "STOPPED" });
    await db.jail.update({ where: { id: jail.id }, data: { desiredState: "STOPPED" } });

    // A suspension in progress on another connection: it holds the account row, not yet committed.
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query(`SELECT 1 FROM "Account" WHERE "id" = $1 FOR UPDATE`, [account.id]);
      await other.query(`UPDATE "Account" SET "status" = 'SUSPENDED', "suspendedAt" = now() WHERE "id" = $1`, [account.id]);

      const start = startJail({ actor: customerActor({ id: user.id, accountId: account.id }), jailId: jail.id }).then(
        (r) => ({ ok: true as const, r }),
        (e: { code?: string; message?: string }) => ({ ok: false as const, e }),
      );
      // The Start must be waiting on the account, not racing past it on the old status.
      const early = await Promise.race([start, new Promise((r) => setTimeout(() => r("waiting"), 1500))]);
      expect(early).toBe("waiting");
      await other.query("COMMIT");
      const outcome = await start;
      expect(outcome.ok).toBe(false);
      expect(!outcome.ok && outcome.e).toMatchObject({ code: "PRECONDITION", message: expect.stringMatching(/suspended/) });
    } finally {
      // Ends the transaction if an assertion above threw before COMMIT; after COMMIT Postgres
      // only warns that none is open.
      await other.query("ROLLBACK");
      await other.end();
    }
    expect(await db.job.count({ where: { jailId: jail.id, type: "START" } })).toBe(0);
    expect(await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).toMatchObject({ desiredState: "STOPPED" });
  });

  it("with real concurrency, a suspended account never ends with a jail meant to run", async () => {
    const admin = staffActor(await createStaff("BILLING"));
    for (let i = 0; i < 10; i++) {
      const host = await createHost();
      const { user, account } = await createCustomer();
      const jail = await createJailRow({ accountId: account.id, hostId: host.id, state: "STOPPED" });
      await db.jail.update({ where: { id: jail.id }, data: { desiredState: "STOPPED" } });
      await Promise.allSettled([
        startJail({ actor: customerActor({ id: user.id, accountId: account.id }), jailId: jail.id }),
        suspendAccount({ actor: admin, accountId: account.id, reason: "race test" }),
      ]);
      const row = await db.jail.findUniqueOrThrow({ where: { id: jail.id }, include: { jobs: { orderBy: { createdAt: "asc" } } } });
      expect((await db.account.findUniqueOrThrow({ where: { id: account.id } })).status).toBe("SUSPENDED");
      // Either the Start lost (no job), or it won and the suspension stopped the jail after it.
      expect(row.desiredState).toBe("STOPPED");
      const types = row.jobs.map((j) => j.type);
      if (types.includes("START")) expect(types).toEqual(["START", "STOP"]);
      else expect(types).toEqual([]);
    }
  }, 120_000);
});
