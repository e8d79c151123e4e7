// One wrapper per audience for server actions: check the origin, resolve who is calling,
// parse the form with zod, call the domain, and turn failures into form state. Actions are
// written as `customerAction(schema, async (input, { user }) => …)` and never read the
// session, the headers or the raw FormData themselves.
import "server-only";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { checkSameOrigin } from "@/lib/http/same-origin";
import { clientIp } from "@/lib/http/client-ip";
import { requireAdmin, requireBilling, requireCustomer, requirePerson, type CustomerUser, type SessionUser } from "@/lib/auth/session";
import { zodFieldErrorsPlain } from "@/lib/schemas/zod-errors";
import type { ActionState } from "./action-state";
import { customerActor, staffActor, type CustomerActor, type PersonActor, type StaffActor } from "@/lib/domain/actor";

/** A handler returns nothing (success) or its own ActionState (a message, data, or a soft error). */
type Handler<S extends z.ZodType, Ctx, R> = (input: z.infer<S>, ctx: Ctx) => Promise<ActionState<R> | void>;

/** FormData → plain object. Fields named `x[]` become arrays; React's `$ACTION_` keys are dropped. */
export function formToObject(formData: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of formData.entries()) {
    if (key.startsWith("$ACTION")) continue;
    const v = typeof value === "string" ? value : value.name;
    if (key.endsWith("[]")) {
      const k = key.slice(0, -2);
      ((out[k] ??= []) as unknown[]).push(v);
    } else {
      out[key] = v;
    }
  }
  return out;
}

/** Echo of short text fields so the form keeps what was typed (never passwords, never huge values). */
function echoValues(raw: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== "string" || /password|confirm|token/i.test(k) || v.length > 2000) continue;
    values[k] = v;
  }
  return values;
}

function makeAction<Ctx>(resolve: () => Promise<Ctx>) {
  return function action<S extends z.ZodType, R = unknown>(schema: S, handler: Handler<S, Ctx, R>) {
    return async (_prev: ActionState<R> | undefined, formData: FormData): Promise<ActionState<R>> => {
      let raw: Record<string, unknown> = {};
      try {
        raw = formToObject(formData);
        const h = await headers();
        checkSameOrigin(h);
        const ctx = await resolve();
        const parsed = schema.safeParse(raw);
        if (!parsed.success) {
          const fieldErrors = zodFieldErrorsPlain(parsed.error);
          return { error: "Please correct the highlighted fields.", fieldErrors, values: echoValues(raw) };
        }
        const result = await handler(parsed.data, ctx);
        return result ?? { ok: true };
      } catch (err) {
        unstable_rethrow(err); // redirect(), notFound() and friends are control flow, not errors
        if (err instanceof AppError) {
          return { error: err.message, fieldErrors: err.fieldErrors, values: echoValues(raw) };
        }
        console.error("[action] unexpected error", err);
        return { error: "Something went wrong on our side. Nothing was changed; please try again.", values: echoValues(raw) };
      }
    };
  };
}

type PublicCtx = { ip: string | null };
/** The signed-in user and the domain's actor for them (ids from the session, never the form). */
type UserCtx<U, A> = { user: U; actor: A; ip: string | null };

export const publicAction = makeAction<PublicCtx>(async () => ({ ip: clientIp(await headers()) }));
export const customerAction = makeAction<UserCtx<CustomerUser, CustomerActor>>(async () => {
  const user = await requireCustomer();
  return { user, actor: customerActor(user), ip: user.ip };
});
export const adminAction = makeAction<UserCtx<SessionUser, StaffActor>>(async () => {
  const user = await requireAdmin();
  return { user, actor: staffActor(user), ip: user.ip };
});
export const billingAction = makeAction<UserCtx<SessionUser, StaffActor>>(async () => {
  const user = await requireBilling();
  return { user, actor: staffActor(user), ip: user.ip };
});
/**
 * Any signed-in person acting on their own login (two-factor settings): staff included before
 * they have enrolled, which adminAction and billingAction refuse.
 */
export const personAction = makeAction<UserCtx<SessionUser, PersonActor>>(async () => {
  const user = await requirePerson();
  return { user, actor: user.actor, ip: user.ip };
});
