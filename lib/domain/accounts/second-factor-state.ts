// Whether a login has a second factor: the one rule, read by the session (the staff console
// guards), the admin's staff and customer pages, and sign-in. A confirmed TOTP secret counts; a
// pending one (scanned but never confirmed with a code) does not.

/** The columns of User that `hasSecondFactor` reads; spread into a Prisma `select`. */
export const secondFactorSelect = {
  twoFactor: { select: { confirmedAt: true } },
} as const;

/** True when the login signs in with a second factor (issue 15: staff must, customers may). */
export function hasSecondFactor(user: { twoFactor: { confirmedAt: Date | null } | null }): boolean {
  return user.twoFactor?.confirmedAt != null;
}
