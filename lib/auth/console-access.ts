// Who may use a staff console — the one place the rule lives; the page and action guards in
// lib/auth/session.ts only turn its answer into a redirect, a 403 or an AppError.
//
// The consoles are for staff who sign in with a second factor (issue 15): an admin or billing
// clerk without it is sent to enrol and can do nothing else there until they have.
export type ConsoleAccess = "allowed" | "forbidden" | "enrol-two-factor";

export function consoleAccess(user: { role: string; twoFactorEnabled: boolean }, area: "admin" | "billing"): ConsoleAccess {
  const roleFits = area === "admin" ? user.role === "ADMIN" : user.role === "ADMIN" || user.role === "BILLING";
  if (!roleFits) return "forbidden";
  return user.twoFactorEnabled ? "allowed" : "enrol-two-factor";
}
