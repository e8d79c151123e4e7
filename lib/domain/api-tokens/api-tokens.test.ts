import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiConfig } from "@/lib/config/server";
import { customerActor, staffActor } from "@/lib/domain/actor";
import { createCustomer, createStaff, uid } from "@/lib/test/factories";
import { createApiToken, listApiTokens, revokeApiToken } from "./manage-api-tokens";
import { authenticateApiToken, LAST_USED_RESOLUTION_MS } from "./authenticate-api-token";
import { hashApiToken, scopeAllows, TOKEN_PATTERN } from "./api-token-rules";
import { consumeApiRequest } from "./api-rate-limit";
import { CLAIM_ABANDONED_MS, claimIdempotencyKey, completeIdempotencyKey, pruneApiRecords } from "./idempotency-keys";
import { sealTotpSecret } from "@/lib/auth/totp-secret-seal";

const input = (access: "read" | "write" = "write") => ({ name: `t-${uid()}`, access, expiresInDays: 30 });
const bearer = (token: string) => `Bearer ${token}`;

async function customer() {
  const { user, account } = await createCustomer();
  return { user, account, actor: customerActor({ id: user.id, accountId: account.id }) };
}

describe("making, listing and revoking tokens", () => {
  it("shows the token once, stores only its sha256 and a prefix, and audits without the secret", async () => {
    const { actor, account } = await customer();
    const { token, view } = await createApiToken({ actor, input: input("write") });
    expect(token).toMatch(TOKEN_PATTERN);
    expect(view).toMatchObject({ prefix: token.slice(0, 10), scopes: ["read", "write"], status: "active", lastUsedAt: null });
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: view.id }, omit: { tokenHash: false } });
    expect(row.tokenHash).toBe(hashApiToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "api-token.create", targetId: view.id } });
    expect(audit).toMatchObject({ actorRole: "CUSTOMER", accountId: account.id });
    expect(JSON.stringify(audit.data)).not.toContain(token.slice(10));
    // The default read of the table never carries the hash.
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: view.id } })).not.toHaveProperty("tokenHash");
  });

  it("customers get read/write, staff get staff scopes only once they have two-factor sign-in", async () => {
    const { actor } = await customer();
    expect((await createApiToken({ actor, input: input("read") })).view.scopes).toEqual(["read"]);
    const admin = await createStaff("ADMIN");
    await expect(createApiToken({ actor: staffActor(admin), input: input() })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await db.twoFactorSecret.create({
      data: { userId: admin.id, secretSealed: sealTotpSecret({ userId: admin.id, secret: "JBSWY3DPEHPK3PXP" }), confirmedAt: new Date() },
    });
    expect((await createApiToken({ actor: staffActor(admin), input: input("read") })).view.scopes).toEqual(["staff:read"]);
    expect((await createApiToken({ actor: staffActor(admin), input: input("write") })).view.scopes).toEqual(["staff:read", "staff:write"]);
  });

  it("refuses a suspended account and a lifetime above the maximum", async () => {
    const { actor, account } = await customer();
    await expect(createApiToken({ actor, input: { ...input(), expiresInDays: apiConfig().API_TOKEN_MAX_DAYS + 1 } })).rejects.toMatchObject(
      {
        code: "VALIDATION",
      },
    );
    await db.account.update({ where: { id: account.id }, data: { status: "SUSPENDED" } });
    await expect(createApiToken({ actor, input: input() })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("lists only the owner's tokens; only the owner revokes, once, audited; a revoked token stops at once", async () => {
    const a = await customer();
    const b = await customer();
    const { token, view } = await createApiToken({ actor: a.actor, input: input() });
    await createApiToken({ actor: b.actor, input: input() });
    expect((await listApiTokens({ actor: a.actor })).map((t) => t.id)).toEqual([view.id]);
    await expect(revokeApiToken({ actor: b.actor, tokenId: view.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await authenticateApiToken({ header: bearer(token), ip: null })).actor).toMatchObject({
      kind: "customer",
      accountId: a.account.id,
    });
    expect(await revokeApiToken({ actor: a.actor, tokenId: view.id })).toEqual({ revoked: true });
    expect(await revokeApiToken({ actor: a.actor, tokenId: view.id })).toEqual({ revoked: false });
    expect(await db.auditLog.count({ where: { action: "api-token.revoke", targetId: view.id } })).toBe(1);
    await expect(authenticateApiToken({ header: bearer(token), ip: null })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect((await listApiTokens({ actor: a.actor }))[0]!.status).toBe("revoked");
  });
});

describe("authenticating a request", () => {
  it("builds the same actor as the session guards, with the client address", async () => {
    const { actor, user } = await customer();
    const { token, view } = await createApiToken({ actor, input: input("read") });
    const caller = await authenticateApiToken({ header: bearer(token), ip: "127.0.0.9" });
    expect(caller).toEqual({
      tokenId: view.id,
      scopes: ["read"],
      actor: { kind: "customer", userId: user.id, accountId: actor.accountId, ip: "127.0.0.9" },
      twoFactorEnabled: false,
    });
  });

  it("writes lastUsedAt at most once a minute", async () => {
    const { actor } = await customer();
    const { token, view } = await createApiToken({ actor, input: input() });
    const t0 = new Date(Date.now() + 1000);
    await authenticateApiToken({ header: bearer(token), ip: null, now: t0 });
    await authenticateApiToken({ header: bearer(token), ip: null, now: new Date(t0.getTime() + 10_000) });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: view.id } })).lastUsedAt).toEqual(t0);
    const t1 = new Date(t0.getTime() + LAST_USED_RESOLUTION_MS + 1);
    await authenticateApiToken({ header: bearer(token), ip: null, now: t1 });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: view.id } })).lastUsedAt).toEqual(t1);
  });

  it("refuses an expired token, a disabled login and a token whose owner's role no longer fits its scopes", async () => {
    const { actor, user } = await customer();
    const { token } = await createApiToken({ actor, input: input() });
    const later = new Date(Date.now() + 31 * 86_400_000);
    await expect(authenticateApiToken({ header: bearer(token), ip: null, now: later })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await db.user.update({ where: { id: user.id }, data: { role: "BILLING", accountId: null } });
    await expect(authenticateApiToken({ header: bearer(token), ip: null })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const admin = await createStaff("ADMIN");
    await db.twoFactorSecret.create({
      data: { userId: admin.id, secretSealed: sealTotpSecret({ userId: admin.id, secret: "JBSWY3DPEHPK3PXP" }), confirmedAt: new Date() },
    });
    const staff = await createApiToken({ actor: staffActor(admin), input: input() });
    expect((await authenticateApiToken({ header: bearer(staff.token), ip: null })).actor.kind).toBe("staff");
    await db.user.update({ where: { id: admin.id }, data: { disabledAt: new Date() } });
    await expect(authenticateApiToken({ header: bearer(staff.token), ip: null })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("write includes read, staff scopes are apart", () => {
    expect(scopeAllows(["read", "write"], "read")).toBe(true);
    expect(scopeAllows(["write"], "read")).toBe(true);
    expect(scopeAllows(["read"], "write")).toBe(false);
    expect(scopeAllows(["read", "write"], "staff:read")).toBe(false);
    expect(scopeAllows(["staff:write"], "staff:read")).toBe(true);
    expect(scopeAllows(["staff:read", "staff:write"], "write")).toBe(false);
  });
});

describe("rate windows and idempotency keys", () => {
  async function tokenId() {
    const { actor } = await customer();
    return (await createApiToken({ actor, input: input() })).view.id;
  }

  it("counts requests per token in fixed windows and says how long to wait", async () => {
    const id = await tokenId();
    const { API_RATE_LIMIT: limit, API_RATE_WINDOW_SECONDS: window } = apiConfig();
    const start = new Date(Math.floor(Date.now() / (window * 1000)) * window * 1000 + window * 1000 * 10);
    const first = await consumeApiRequest({ tokenId: id, now: start });
    expect(first).toMatchObject({ allowed: true, remaining: limit - 1, resetSeconds: window });
    await db.apiRateWindow.update({ where: { tokenId_windowStart: { tokenId: id, windowStart: start } }, data: { count: limit } });
    const refused = await consumeApiRequest({ tokenId: id, now: new Date(start.getTime() + 1500) });
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: window - 1 });
    expect(await consumeApiRequest({ tokenId: id, now: new Date(start.getTime() + window * 1000) })).toMatchObject({ allowed: true });
  });

  it("claims a key once, replays the stored answer, refuses another request under it, and takes over an abandoned claim", async () => {
    const id = await tokenId();
    const now = new Date();
    expect(await claimIdempotencyKey({ tokenId: id, key: "k1", requestHash: "h1", now })).toEqual({ kind: "claimed" });
    await expect(claimIdempotencyKey({ tokenId: id, key: "k1", requestHash: "h1", now })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(claimIdempotencyKey({ tokenId: id, key: "k1", requestHash: "h2", now })).rejects.toMatchObject({ code: "VALIDATION" });
    await completeIdempotencyKey({ tokenId: id, key: "k1", status: 201, body: { body: { id: "x" } } });
    expect(await claimIdempotencyKey({ tokenId: id, key: "k1", requestHash: "h1", now })).toEqual({
      kind: "replay",
      status: 201,
      body: { body: { id: "x" } },
    });
    // A claim whose request died without answering.
    expect(await claimIdempotencyKey({ tokenId: id, key: "k2", requestHash: "h", now })).toEqual({ kind: "claimed" });
    const later = new Date(now.getTime() + CLAIM_ABANDONED_MS + 1);
    expect(await claimIdempotencyKey({ tokenId: id, key: "k2", requestHash: "h", now: later })).toEqual({ kind: "claimed" });
    // Past its lifetime a key is new again.
    const expired = new Date(now.getTime() + apiConfig().API_IDEMPOTENCY_HOURS * 3_600_000 + 1);
    expect(await claimIdempotencyKey({ tokenId: id, key: "k1", requestHash: "h9", now: expired })).toEqual({ kind: "claimed" });
    // The worker prunes keys past their lifetime (and only those).
    const old = new Date(now.getTime() - apiConfig().API_IDEMPOTENCY_HOURS * 3_600_000 - 60_000);
    await claimIdempotencyKey({ tokenId: id, key: "old", requestHash: "h", now: old });
    await pruneApiRecords(now);
    expect((await db.apiIdempotencyKey.findMany({ where: { tokenId: id }, orderBy: { key: "asc" } })).map((k) => k.key)).toEqual([
      "k1",
      "k2",
    ]);
    await expect(claimIdempotencyKey({ tokenId: id, key: "has space", requestHash: "h", now })).rejects.toMatchObject({
      code: "VALIDATION",
    });
  });
});
