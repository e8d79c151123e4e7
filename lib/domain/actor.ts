// Who acts, as the domain sees it: one type for every caller. A person is a customer (scoped
// to exactly one account, which every read and write carries in its `where`) or a member of
// staff; the system (the worker's periodic tasks) and a host agent act too, and the audit log
// says which. Built from the session or the agent's token, never from a request body.
import { AppError } from "@/lib/errors";

export type CustomerActor = { kind: "customer"; userId: string; accountId: string; ip: string | null };
export type StaffActor = { kind: "staff"; userId: string; role: "ADMIN" | "BILLING"; ip: string | null };
export type SystemActor = { kind: "system"; name: string };
export type AgentActor = { kind: "agent"; hostId: string };
/** Someone signed in. */
export type PersonActor = CustomerActor | StaffActor;
export type Actor = PersonActor | SystemActor | AgentActor;

/**
 * The signed-in customer as an actor.
 * @throws Error when the user has no account (a customer always has one: a session bug).
 */
export function customerActor(user: { id: string; accountId: string | null; ip?: string | null }): CustomerActor {
  if (!user.id || !user.accountId) throw new Error("customerActor: a customer needs a user id and an account id");
  return { kind: "customer", userId: user.id, accountId: user.accountId, ip: user.ip ?? null };
}

/**
 * A signed-in admin or billing clerk as an actor.
 * @throws Error for any other role (the role guard runs first; reaching this is a bug).
 */
export function staffActor(user: { id: string; role: string; ip?: string | null }): StaffActor {
  if (user.role !== "ADMIN" && user.role !== "BILLING") throw new Error("staffActor: not a staff login");
  return { kind: "staff", userId: user.id, role: user.role, ip: user.ip ?? null };
}

/** The worker or another periodic task, named for the audit log. */
export function systemActor(name: string): SystemActor {
  return { kind: "system", name };
}

/**
 * Prisma drops an `undefined` filter silently: refuse to run a tenant query without its scope.
 * @throws Error when the account id (or a given jail id) is empty.
 */
export function assertScope(actor: CustomerActor, ...ids: Array<string | undefined>): void {
  if (actor.kind !== "customer" || !actor.accountId) throw new Error("a customer's account id is required");
  if (ids.some((id) => id !== undefined && !id)) throw new Error("an id the query is scoped by is empty");
}

/** Only staff may do this. @throws AppError FORBIDDEN for anyone else. */
export function assertStaff(actor: Actor, role?: "ADMIN" | "BILLING"): asserts actor is StaffActor {
  if (actor.kind !== "staff" || (role === "ADMIN" && actor.role !== "ADMIN")) throw new AppError("FORBIDDEN", "Only staff may do this.");
}

/** The audit log's columns for an actor. */
export function auditColumns(actor: Actor): { actorId: string | null; actorRole: string; ip: string | null } {
  switch (actor.kind) {
    case "customer":
      return { actorId: actor.userId, actorRole: "CUSTOMER", ip: actor.ip };
    case "staff":
      return { actorId: actor.userId, actorRole: actor.role, ip: actor.ip };
    case "agent":
      return { actorId: null, actorRole: "AGENT", ip: null };
    case "system":
      return { actorId: null, actorRole: "SYSTEM", ip: null };
  }
}
