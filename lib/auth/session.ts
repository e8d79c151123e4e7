// Who is calling. Every page, server action and route handler goes through these guards;
// nothing reads the session by hand.
import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { headers } from "next/headers";
import { authOptions } from "@/lib/auth/options";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { consoleAccess } from "@/lib/auth/console-access";
import { customerActor, staffActor, type CustomerActor, type PersonActor, type StaffActor } from "@/lib/domain/actor";

export type Role = "CUSTOMER" | "ADMIN" | "BILLING";
export type SessionUser = {
  id: string;
  name: string;
  email: string;
  role: Role;
  accountId: string | null;
  ip: string | null;
  /** Two-factor sign-in is on for this login (read from the database with the session). */
  twoFactorEnabled: boolean;
};
export type CustomerUser = SessionUser & { role: "CUSTOMER"; accountId: string; accountStatus: "ACTIVE" | "SUSPENDED" | "CLOSED" };
/** A signed-in user together with the actor the domain functions take. */
export type CustomerPageUser = CustomerUser & { actor: CustomerActor };
export type StaffPageUser = SessionUser & { actor: StaffActor };

/** The signed-in user, re-validated against the database once per request, or null. */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  // Reading the request first marks every page that asks "who is this?" as dynamic, so the
  // build never tries to prerender one (and never needs the server's secrets to do it).
  const h = await headers();
  const session = await getServerSession(authOptions());
  if (!session?.user?.id) return null;
  return { ...session.user, ip: clientIp(h) };
});

/** Where staff without two-factor sign-in are sent, whatever they asked for. */
export const TWO_FACTOR_SETUP_PATH = "/two-factor";

export function homeFor(role: Role): string {
  return role === "ADMIN" ? "/admin" : role === "BILLING" ? "/billing" : "/dashboard";
}

async function loginRedirect(): Promise<never> {
  const h = await headers();
  const path = h.get("x-cellblock-path") ?? "/";
  redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
}

// ─── pages (render path): redirect to log in, or 403 for the wrong role ───

export async function requireUserPage(): Promise<SessionUser> {
  return (await getCurrentUser()) ?? loginRedirect();
}

export async function requireCustomerPage(): Promise<CustomerPageUser> {
  const user = await requireUserPage();
  if (user.role !== "CUSTOMER") redirect(homeFor(user.role));
  const customer = await withAccount(user);
  return { ...customer, actor: customerActor(customer) };
}

// Staff without two-factor sign-in are sent to enrol (lib/auth/console-access.ts), on the
// server for every request: hiding links would not be enough.

async function requireConsolePage(area: "admin" | "billing"): Promise<StaffPageUser> {
  const user = await requireUserPage();
  const access = consoleAccess(user, area);
  if (access === "forbidden") forbidden();
  if (access === "enrol-two-factor") redirect(TWO_FACTOR_SETUP_PATH);
  return { ...user, actor: staffActor(user) };
}

export const requireAdminPage = () => requireConsolePage("admin");
export const requireBillingPage = () => requireConsolePage("billing");

/** Any signed-in person, staff included before they have enrolled: for the enrolment page itself. */
export async function requirePersonPage(): Promise<SessionUser & { actor: PersonActor }> {
  const user = await requireUserPage();
  return { ...user, actor: await personActor(user) };
}

// ─── actions and handlers: throw AppError, the wrapper turns it into a response ───

export async function requireUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("UNAUTHENTICATED", "Your session has ended. Log in again.");
  return user;
}

export async function requireCustomer(): Promise<CustomerUser> {
  const user = await requireUser();
  if (user.role !== "CUSTOMER") throw new AppError("FORBIDDEN", "Only customer logins can do this.");
  return withAccount(user);
}

async function requireConsole(area: "admin" | "billing"): Promise<SessionUser> {
  const user = await requireUser();
  const access = consoleAccess(user, area);
  if (access === "forbidden") {
    throw new AppError("FORBIDDEN", area === "admin" ? "Only administrators can do this." : "Only billing staff can do this.");
  }
  if (access === "enrol-two-factor") throw new AppError("FORBIDDEN", "Set up two-factor sign-in before using the console.");
  return user;
}

export const requireAdmin = () => requireConsole("admin");
export const requireBilling = () => requireConsole("billing");

/** Any signed-in person as an actor (a customer with their account checked), for their own login's settings. */
export async function requirePerson(): Promise<SessionUser & { actor: PersonActor }> {
  const user = await requireUser();
  return { ...user, actor: await personActor(user) };
}

async function personActor(user: SessionUser): Promise<PersonActor> {
  return user.role === "CUSTOMER" ? customerActor(await withAccount(user)) : staffActor(user);
}

const accountStatus = cache(async (accountId: string) => {
  const account = await db.account.findUnique({ where: { id: accountId }, select: { status: true } });
  return account?.status ?? null;
});

async function withAccount(user: SessionUser): Promise<CustomerUser> {
  if (!user.accountId) throw new AppError("FORBIDDEN", "This login has no customer account.");
  const status = await accountStatus(user.accountId);
  if (!status) throw new AppError("FORBIDDEN", "This login has no customer account.");
  return { ...user, role: "CUSTOMER", accountId: user.accountId, accountStatus: status };
}
