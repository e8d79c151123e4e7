import { db } from "@/lib/db";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { hasSecondFactor, secondFactorSelect } from "@/lib/domain/accounts/second-factor-state";
import { NO_PASSWORD_YET } from "./staff-rules";

export const STAFF_PAGE_SIZE = 50;

/** Admins and billing clerks: role, last login, disabled, or invited and not yet joined. */
export async function listStaff({ actor, page, now = new Date() }: { actor: StaffActor; page: number; now?: Date }) {
  assertStaff(actor, "ADMIN");
  const where = { role: { in: ["ADMIN" as const, "BILLING" as const] } };
  const [rows, total] = await Promise.all([
    db.user.findMany({
      where,
      orderBy: [{ disabledAt: { sort: "asc", nulls: "first" } }, { role: "asc" }, { email: "asc" }],
      skip: (page - 1) * STAFF_PAGE_SIZE,
      take: STAFF_PAGE_SIZE,
      select: {
        id: true,
        email: true,
        name: true,
        role: true,
        lastLoginAt: true,
        disabledAt: true,
        createdAt: true,
        passwordHash: true,
        ...secondFactorSelect,
        passwordResetTokens: {
          where: { purpose: "INVITE", usedAt: null },
          select: { expiresAt: true },
          orderBy: { createdAt: "desc" },
          take: 1,
        },
      },
    }),
    db.user.count({ where }),
  ]);
  return {
    total,
    rows: rows.map(({ passwordHash, passwordResetTokens, twoFactor, _count, ...u }) => {
      const invited = passwordHash === NO_PASSWORD_YET;
      const invite = passwordResetTokens[0];
      return {
        ...u,
        secondFactor: hasSecondFactor({ twoFactor, _count }),
        invited,
        invitationExpired: invited && (!invite || invite.expiresAt <= now),
        invitationExpiresAt: invite?.expiresAt ?? null,
      };
    }),
  };
}
