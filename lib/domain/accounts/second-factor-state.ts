// Whether a login has a second factor: the one rule, read by the session (the staff console
// guards), sign-in (authenticate asks for the second step) and the admin's staff and customer
// pages. A confirmed TOTP secret counts, and so does any registered passkey: a login with only a
// passkey is enrolled (issue 15). A pending TOTP secret (never confirmed with a code) does not.

/** The columns of User that `hasSecondFactor` reads; spread into a Prisma `select` or `include`. */
export const secondFactorSelect = {
  twoFactor: { select: { confirmedAt: true } },
  _count: { select: { passkeys: true } },
} as const;

export type SecondFactorColumns = { twoFactor: { confirmedAt: Date | null } | null; _count: { passkeys: number } };

/** True when the login signs in with a second factor (issue 15: staff must, customers may). */
export function hasSecondFactor(user: SecondFactorColumns): boolean {
  return user.twoFactor?.confirmedAt != null || user._count.passkeys > 0;
}
