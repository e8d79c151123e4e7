// The console's ticket rules, the per-jail cap and the session's audit row, against the real
// database. The WebSocket relay and the agent are exercised end to end in e2e/portal/console.spec.ts.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow } from "@/lib/test/factories";
import { customerActor } from "@/lib/domain/actor";
import { attachConsoleAgent } from "./attach-console-agent";
import { claimConsoleTicket } from "./claim-console-ticket";
import { endConsoleSession } from "./end-console-session";
import { listPendingConsoles } from "./list-pending-consoles";
import { requestConsoleTicket } from "./request-console-ticket";
import { stampOpenConsoles } from "./stamp-open-consoles";
import { SEEN_STALE_SECONDS, TICKET_TTL_SECONDS, countsAgainstCap, hashTicket, ticketRefusal } from "./console-rules";

async function customerWithJail(state: "RUNNING" | "STOPPED" = "RUNNING") {
  const { user, account } = await createCustomer();
  const host = await createHost();
  const jail = await createJailRow({ accountId: account.id, hostId: host.id, state });
  return { user, account, host, jail, actor: customerActor({ id: user.id, accountId: account.id }) };
}

const later = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);

describe("console rules", () => {
  const now = new Date("2026-11-30T12:00:00Z");
  const row = { status: "PENDING" as const, ticketExpiresAt: later(now, 30), userId: "u1", accountStatus: "ACTIVE", jailState: "RUNNING" };

  it("a ticket is spent only by its own login, once, in time, for an active account's running jail", () => {
    expect(ticketRefusal(row, { userId: "u1", now })).toBeNull();
    expect(ticketRefusal(null, { userId: "u1", now })).toMatch(/not valid/);
    // Another login hears the same words as for a ticket that does not exist.
    expect(ticketRefusal(row, { userId: "u2", now })).toBe(ticketRefusal(null, { userId: "u2", now }));
    expect(ticketRefusal({ ...row, status: "CONNECTING" }, { userId: "u1", now })).toMatch(/already used/);
    expect(ticketRefusal(row, { userId: "u1", now: later(now, 30) })).toMatch(/expired/);
    expect(ticketRefusal({ ...row, accountStatus: "SUSPENDED" }, { userId: "u1", now })).toMatch(/suspended/);
    expect(ticketRefusal({ ...row, jailState: "STOPPED" }, { userId: "u1", now })).toMatch(/running jail/);
  });

  it("the cap counts unexpired tickets and sessions whose relay is alive, nothing else", () => {
    const base = { ticketExpiresAt: later(now, -1), seenAt: null };
    expect(countsAgainstCap({ ...base, status: "PENDING", ticketExpiresAt: later(now, 1) }, now)).toBe(true);
    expect(countsAgainstCap({ ...base, status: "PENDING" }, now)).toBe(false);
    expect(countsAgainstCap({ ...base, status: "OPEN", seenAt: later(now, -5) }, now)).toBe(true);
    expect(countsAgainstCap({ ...base, status: "CONNECTING", seenAt: later(now, -5) }, now)).toBe(true);
    expect(countsAgainstCap({ ...base, status: "OPEN", seenAt: later(now, -SEEN_STALE_SECONDS - 1) }, now)).toBe(false);
    expect(countsAgainstCap({ ...base, status: "ENDED", seenAt: now }, now)).toBe(false);
  });

  it("the stored form of a ticket is its sha256, never the ticket", () => {
    expect(hashTicket("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("requestConsoleTicket", () => {
  it("issues a one-time ticket for the caller's running jail and keeps only its hash", async () => {
    const a = await customerWithJail();
    const { sessionId, ticket, expiresAt } = await requestConsoleTicket({ actor: a.actor, jailId: a.jail.id });
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await db.consoleSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect(row).toMatchObject({ status: "PENDING", userId: a.user.id, accountId: a.account.id, hostId: a.host.id });
    expect(row.ticketHash).toBe(hashTicket(ticket));
    expect(JSON.stringify(row)).not.toContain(ticket);
    expect(expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(TICKET_TTL_SECONDS * 1000 + 1000);
  });

  it("another account's jail is not found, and no session is made", async () => {
    const a = await customerWithJail();
    const b = await customerWithJail();
    await expect(requestConsoleTicket({ actor: b.actor, jailId: a.jail.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db.consoleSession.count({ where: { jailId: a.jail.id } })).toBe(0);
  });

  it("refuses a stopped jail and a suspended account", async () => {
    const stopped = await customerWithJail("STOPPED");
    await expect(requestConsoleTicket({ actor: stopped.actor, jailId: stopped.jail.id })).rejects.toThrow(/running jail/);
    const suspended = await customerWithJail();
    await db.account.update({ where: { id: suspended.account.id }, data: { status: "SUSPENDED" } });
    await expect(requestConsoleTicket({ actor: suspended.actor, jailId: suspended.jail.id })).rejects.toThrow(/suspended/);
    expect(await db.consoleSession.count({ where: { jailId: { in: [stopped.jail.id, suspended.jail.id] } } })).toBe(0);
  });

  it("caps the sessions of one jail (CONSOLE_MAX_SESSIONS_PER_JAIL, 2 by default); an expired ticket or an ended session frees a place", async () => {
    const a = await customerWithJail();
    const now = new Date();
    const first = await requestConsoleTicket({ actor: a.actor, jailId: a.jail.id, now });
    await requestConsoleTicket({ actor: a.actor, jailId: a.jail.id, now });
    await expect(requestConsoleTicket({ actor: a.actor, jailId: a.jail.id, now })).rejects.toThrow(/already has 2 console sessions/);
    // Concurrent requests cannot both take the last place: the jail row is locked.
    const b = await customerWithJail();
    const raced = await Promise.allSettled([1, 2, 3].map(() => requestConsoleTicket({ actor: b.actor, jailId: b.jail.id })));
    expect(raced.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    // An ended session no longer counts.
    await claimConsoleTicket({ ticket: first.ticket, userId: a.user.id, now });
    await endConsoleSession({ sessionId: first.sessionId, reason: "closed", now });
    await requestConsoleTicket({ actor: a.actor, jailId: a.jail.id, now });
    // Unspent tickets expire and free their places.
    await requestConsoleTicket({ actor: a.actor, jailId: a.jail.id, now: later(now, TICKET_TTL_SECONDS + 1) });
  });
});

describe("claimConsoleTicket, the agent's side and the end", () => {
  it("another login's ticket is refused and stays unspent; its own login spends it once", async () => {
    const a = await customerWithJail();
    const b = await customerWithJail();
    const { sessionId, ticket } = await requestConsoleTicket({ actor: a.actor, jailId: a.jail.id });
    await expect(claimConsoleTicket({ ticket, userId: b.user.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await db.consoleSession.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe("PENDING");
    await expect(claimConsoleTicket({ ticket: "not-a-ticket", userId: a.user.id })).rejects.toThrow(/not valid/);

    const claim = await claimConsoleTicket({ ticket, userId: a.user.id });
    expect(claim).toMatchObject({ sessionId, jailId: a.jail.id, hostId: a.host.id });
    await expect(claimConsoleTicket({ ticket, userId: a.user.id })).rejects.toThrow(/already used/);
  });

  it("an expired ticket is refused", async () => {
    const a = await customerWithJail();
    const now = new Date();
    const { ticket } = await requestConsoleTicket({ actor: a.actor, jailId: a.jail.id, now });
    await expect(claimConsoleTicket({ ticket, userId: a.user.id, now: later(now, TICKET_TTL_SECONDS) })).rejects.toThrow(/expired/);
  });

  it("only the jail's host is told of the session and may attach to it", async () => {
    const a = await customerWithJail();
    const other = await createHost();
    const { sessionId, ticket } = await requestConsoleTicket({ actor: a.actor, jailId: a.jail.id });
    expect(await listPendingConsoles({ hostId: a.host.id })).toEqual([]);
    await claimConsoleTicket({ ticket, userId: a.user.id });
    expect(await listPendingConsoles({ hostId: a.host.id })).toEqual([{ id: sessionId, jail: a.jail.name }]);
    expect(await listPendingConsoles({ hostId: other.id })).toEqual([]);
    await expect(attachConsoleAgent({ hostId: other.id, sessionId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await attachConsoleAgent({ hostId: a.host.id, sessionId })).toEqual({ jail: a.jail.name });
    await expect(attachConsoleAgent({ hostId: a.host.id, sessionId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await listPendingConsoles({ hostId: a.host.id })).toEqual([]);
  });

  it("ends once, with one audit row saying who, which jail, when, how long and why — and no keystrokes", async () => {
    const a = await customerWithJail();
    const t0 = new Date();
    const { sessionId, ticket } = await requestConsoleTicket({ actor: a.actor, jailId: a.jail.id, now: t0 });
    await claimConsoleTicket({ ticket, userId: a.user.id, now: t0 });
    await attachConsoleAgent({ hostId: a.host.id, sessionId, now: later(t0, 1) });
    expect(await endConsoleSession({ sessionId, reason: "idle", ip: "127.0.0.1", now: later(t0, 91) })).toBe(true);
    expect(await endConsoleSession({ sessionId, reason: "closed", now: later(t0, 95) })).toBe(false);
    const audit = await db.auditLog.findMany({ where: { action: "jail.console", targetId: a.jail.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: a.user.id, actorRole: "CUSTOMER", accountId: a.account.id, ip: "127.0.0.1" });
    expect(audit[0]!.data).toMatchObject({
      sessionId,
      startedAt: later(t0, 1).toISOString(),
      endedAt: later(t0, 91).toISOString(),
      durationSeconds: 90,
      reason: "idle",
      shellStarted: true,
    });
    expect(Object.keys(audit[0]!.data as object).sort()).toEqual(
      ["durationSeconds", "endedAt", "hostId", "reason", "reasonText", "sessionId", "shellStarted", "startedAt"].sort(),
    );
    expect(await db.consoleSession.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({ status: "ENDED", endReason: "idle" });
  });

  it("names the open sessions of a suspended account for closing, and keeps the others' place", async () => {
    const a = await customerWithJail();
    const b = await customerWithJail();
    const open = async (c: typeof a) => {
      const { sessionId, ticket } = await requestConsoleTicket({ actor: c.actor, jailId: c.jail.id });
      await claimConsoleTicket({ ticket, userId: c.user.id });
      return sessionId;
    };
    const [sa, sb] = [await open(a), await open(b)];
    await db.account.update({ where: { id: a.account.id }, data: { status: "SUSPENDED" } });
    const { close } = await stampOpenConsoles({ sessionIds: [sa, sb] });
    expect(close).toEqual([{ id: sa, reason: "suspended" }]);
  });
});
