// Keyset pagination of the long admin lists (jobs, fleet jails): walking "next" from the newest
// page returns every matching row exactly once, newest first by (createdAt, id), rows sharing
// a createdAt included; walking "previous" back gives the same pages; filters hold on every
// page; a malformed cursor is the newest page.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { staffActor } from "@/lib/domain/actor";
import { listFleetJails, FLEET_JAILS_PAGE_SIZE } from "@/lib/domain/admin/list-fleet-jails";
import { JOBS_PAGE_SIZE, listJobs } from "@/lib/domain/jobs/list-jobs";
import { createCustomer, createHost, createStaff, getOrCreatePlan, getOrCreateTemplate, uid } from "@/lib/test/factories";
import type { KeysetPage, ListCursor } from "./keyset";

type Row = { id: string; createdAt: Date };

/** Every page from the newest on (following `older`), then back (following `newer`). */
async function walk<T extends Row>(list: (cursor: ListCursor) => Promise<KeysetPage<T>>) {
  const forward: T[][] = [];
  let page = await list({});
  expect(page.newer).toBeNull();
  expect(page.paged).toBe(false);
  forward.push(page.rows);
  while (page.older) {
    page = await list({ after: page.older });
    expect(page.paged).toBe(true);
    forward.push(page.rows);
    if (forward.length > 20) throw new Error("pagination does not end");
  }
  const backward: T[][] = [page.rows];
  while (page.newer) {
    page = await list({ before: page.newer });
    backward.unshift(page.rows);
    if (backward.length > 20) throw new Error("pagination does not end");
  }
  expect(page.paged).toBe(false);
  return { forward, backward };
}

/** Newest first by (createdAt, id), as the lists order. */
const newestFirst = <T extends Row>(rows: T[]) =>
  [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));

describe("keyset pagination", () => {
  it("jobs: every row once, in order, across pages both ways, with the host and status filters kept", async () => {
    const actor = staffActor(await createStaff("ADMIN"));
    const [host, other] = await Promise.all([createHost(), createHost()]);
    // 2½ pages for the host; createdAt shared by ten rows at a time, so pages split inside a tie.
    const base = Date.UTC(2026, 0, 1);
    const rows = Array.from({ length: JOBS_PAGE_SIZE * 2 + 25 }, (_, i) => ({
      hostId: host.id,
      type: "START" as const,
      payload: { name: `cbks${i}` },
      status: i % 3 === 0 ? ("FAILED" as const) : ("SUCCEEDED" as const),
      idempotencyKey: `keyset:${uid()}:${i}`,
      createdAt: new Date(base + Math.floor(i / 10) * 1000),
    }));
    await db.job.createMany({ data: rows });
    await db.job.create({
      data: {
        hostId: other.id,
        type: "START",
        payload: { name: "cbksother" },
        idempotencyKey: `keyset:${uid()}`,
        createdAt: new Date(base),
      },
    });
    const expected = newestFirst(await db.job.findMany({ where: { hostId: host.id }, select: { id: true, createdAt: true } }));

    const { forward, backward } = await walk((cursor) => listJobs({ actor, filter: { hostId: host.id }, cursor }));
    expect(forward.map((p) => p.length)).toEqual([JOBS_PAGE_SIZE, JOBS_PAGE_SIZE, 25]);
    expect(forward.flat().map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(backward.map((p) => p.map((r) => r.id))).toEqual(forward.map((p) => p.map((r) => r.id)));
    expect(forward.flat().every((r) => r.host.id === host.id)).toBe(true);

    const failed = await walk((cursor) => listJobs({ actor, filter: { hostId: host.id, status: "FAILED" }, cursor }));
    const expectedFailed = newestFirst(
      await db.job.findMany({ where: { hostId: host.id, status: "FAILED" }, select: { id: true, createdAt: true } }),
    );
    expect(failed.forward.flat().map((r) => r.id)).toEqual(expectedFailed.map((r) => r.id));
    expect(failed.forward.flat().every((r) => r.status === "FAILED")).toBe(true);

    // A malformed or foreign cursor is the newest page, not an error.
    const first = await listJobs({ actor, filter: { hostId: host.id }, cursor: { after: "not-a-cursor" } });
    expect(first.rows.map((r) => r.id)).toEqual(forward[0]!.map((r) => r.id));
    expect(first.paged).toBe(false);
  });

  it("fleet jails: every live jail once, in order, across pages both ways, with the host filter kept", async () => {
    const actor = staffActor(await createStaff("ADMIN"));
    const host = await createHost();
    const { account } = await createCustomer();
    const [plan, template] = await Promise.all([getOrCreatePlan(), getOrCreateTemplate()]);
    const base = Date.UTC(2026, 0, 1);
    const n = FLEET_JAILS_PAGE_SIZE + 30;
    await db.jail.createMany({
      data: Array.from({ length: n + 5 }, (_, i) => {
        const tag = uid();
        return {
          hostname: `ks${tag}.example.test`,
          name: `cbks${tag}${i}`,
          accountId: account.id,
          hostId: host.id,
          planId: plan.id,
          templateId: template.id,
          state: i < n ? ("RUNNING" as const) : ("DESTROYED" as const),
          // The last five were destroyed: the list of the fleet as it is leaves them out.
          destroyedAt: i < n ? null : new Date(base),
          createdAt: new Date(base + Math.floor(i / 7) * 1000),
        };
      }),
    });
    const expected = newestFirst(
      await db.jail.findMany({ where: { hostId: host.id, destroyedAt: null }, select: { id: true, createdAt: true } }),
    );
    expect(expected).toHaveLength(n);

    const { forward, backward } = await walk((cursor) => listFleetJails({ actor, filter: { hostId: host.id }, cursor }));
    expect(forward.map((p) => p.length)).toEqual([FLEET_JAILS_PAGE_SIZE, 30]);
    expect(forward.flat().map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(backward.map((p) => p.map((r) => r.id))).toEqual(forward.map((p) => p.map((r) => r.id)));
    expect(forward.flat().every((r) => r.host.id === host.id && r.state === "RUNNING")).toBe(true);
  });
});
