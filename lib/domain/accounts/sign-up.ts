import { db } from "@/lib/db";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { hashPassword } from "@/lib/auth/password";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { SignUpInput } from "@/lib/schemas/auth";

const EMAIL_TAKEN = "An account with this e-mail address already exists. Log in or reset your password.";

/** Creates a customer: the Account and its first User, in one transaction. */
export async function signUp({ input, ip = null }: { input: SignUpInput; ip?: string | null }) {
  const existing = await db.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) throw new AppError("CONFLICT", EMAIL_TAKEN, { email: [EMAIL_TAKEN] });

  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const account = await tx.account.create({
        data: {
          name: input.accountName,
          billingEmail: input.billingEmail ?? input.email,
          addressLine1: input.addressLine1,
          addressLine2: input.addressLine2 ?? null,
          city: input.city,
          postalCode: input.postalCode,
          country: input.country,
        },
      });
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, passwordHash, role: "CUSTOMER", accountId: account.id },
      });
      await recordAudit(tx, {
        actor: { kind: "customer", userId: user.id, accountId: account.id, ip },
        action: "account.sign-up",
        targetType: "Account",
        targetId: account.id,
        accountId: account.id,
      });
      return { user, account };
    });
  } catch (err) {
    // Two sign-ups racing for one address: the unique index decides, the loser hears why.
    if (isUniqueViolation(err)) throw new AppError("CONFLICT", EMAIL_TAKEN, { email: [EMAIL_TAKEN] });
    throw err;
  }
}
