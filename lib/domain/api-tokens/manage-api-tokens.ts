// A person's own API tokens: make one (shown once), list them, revoke one. Each token belongs
// to the user who made it and acts as that user (lib/domain/api-tokens/authenticate-api-token.ts);
// nobody else sees or revokes it. Making and revoking are audited with the change.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { apiConfig } from "@/lib/config/server";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { PersonActor } from "@/lib/domain/actor";
import { twoFactorRequiredFor } from "@/lib/domain/accounts/two-factor";
import type { CreateApiTokenInput } from "@/lib/schemas/api-tokens";
import { assertLifetime, newApiToken, scopesFor } from "./api-token-rules";
import { MS_PER_DAY } from "@/lib/units";

/** Live (not revoked, not expired) tokens one person may hold at once. */
export const MAX_LIVE_TOKENS = 25;
export type ApiTokenView = {
  id: string;
  name: string;
  /** The token's first characters, e.g. "cbk_3fA9x2". */
  prefix: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** "active", "expired" or "revoked", at `now`. */
  status: "active" | "expired" | "revoked";
};

const auditAccount = (actor: PersonActor) => (actor.kind === "customer" ? actor.accountId : null);

/**
 * Makes a token for the actor's own login.
 * @returns the token in clear (this is the only time it exists outside the caller) and its row.
 * @throws AppError FORBIDDEN (staff without two-factor sign-in, a disabled login, a customer
 *   account that is not active), VALIDATION (lifetime above API_TOKEN_MAX_DAYS),
 *   PRECONDITION (MAX_LIVE_TOKENS live tokens already).
 */
export async function createApiToken({
  actor,
  input,
  now = new Date(),
}: {
  actor: PersonActor;
  input: CreateApiTokenInput;
  now?: Date;
}): Promise<{ token: string; view: ApiTokenView }> {
  assertLifetime(input.expiresInDays, apiConfig().API_TOKEN_MAX_DAYS);
  const user = await db.user.findUnique({
    where: { id: actor.userId },
    select: { role: true, disabledAt: true, account: { select: { status: true } }, twoFactor: { select: { confirmedAt: true } } },
  });
  if (!user || user.disabledAt) throw new AppError("FORBIDDEN", "This login cannot make API tokens.");
  // A token must not be a way around the second factor staff are required to have.
  if (twoFactorRequiredFor(user.role) && !user.twoFactor?.confirmedAt)
    throw new AppError("FORBIDDEN", "Set up two-factor sign-in before making API tokens.");
  if (user.role === "CUSTOMER" && user.account?.status !== "ACTIVE")
    throw new AppError("FORBIDDEN", "Your account is not active: API tokens work again once it is.");
  const scopes = scopesFor(user.role, input.access);
  const { token, tokenHash, prefix } = newApiToken();
  const row = await db.$transaction(async (tx) => {
    const live = await tx.apiToken.count({ where: { userId: actor.userId, revokedAt: null, expiresAt: { gt: now } } });
    if (live >= MAX_LIVE_TOKENS) throw new AppError("PRECONDITION", `You have ${MAX_LIVE_TOKENS} live tokens. Revoke one first.`);
    const created = await tx.apiToken.create({
      data: {
        userId: actor.userId,
        name: input.name,
        tokenHash,
        prefix,
        scopes,
        expiresAt: new Date(now.getTime() + input.expiresInDays * MS_PER_DAY),
        createdAt: now,
      },
    });
    await recordAudit(tx, {
      actor,
      action: "api-token.create",
      targetType: "ApiToken",
      targetId: created.id,
      accountId: auditAccount(actor),
      data: { name: created.name, prefix, scopes, expiresAt: created.expiresAt.toISOString() },
    });
    return created;
  });
  return { token, view: view(row, now) };
}

/** The actor's own tokens, newest first (revoked and expired ones too, at most 100). */
export async function listApiTokens({ actor, now = new Date() }: { actor: PersonActor; now?: Date }): Promise<ApiTokenView[]> {
  if (!actor.userId) throw new Error("listApiTokens: a user id is required");
  const rows = await db.apiToken.findMany({
    where: { userId: actor.userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 100,
  });
  return rows.map((r) => view(r, now));
}

/**
 * Revokes one of the actor's own tokens; it stops working at once. Revoking a revoked token
 * changes nothing.
 * @throws AppError NOT_FOUND for a token that is not the actor's.
 */
export async function revokeApiToken({ actor, tokenId, now = new Date() }: { actor: PersonActor; tokenId: string; now?: Date }) {
  if (!actor.userId || !tokenId) throw new Error("revokeApiToken: a user id and a token id are required");
  return db.$transaction(async (tx) => {
    const token = await tx.apiToken.findFirst({
      where: { id: tokenId, userId: actor.userId },
      select: { id: true, name: true, prefix: true },
    });
    if (!token) throw notFound("That token");
    const r = await tx.apiToken.updateMany({ where: { id: token.id, userId: actor.userId, revokedAt: null }, data: { revokedAt: now } });
    if (r.count === 1)
      await recordAudit(tx, {
        actor,
        action: "api-token.revoke",
        targetType: "ApiToken",
        targetId: token.id,
        accountId: auditAccount(actor),
        data: { name: token.name, prefix: token.prefix },
      });
    return { revoked: r.count === 1 };
  });
}

function view(r: Omit<ApiTokenView, "status">, now: Date): ApiTokenView {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    lastUsedAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
    status: r.revokedAt ? "revoked" : r.expiresAt <= now ? "expired" : "active",
  };
}
