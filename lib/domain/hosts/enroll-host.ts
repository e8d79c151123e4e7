import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { hashSecret, newSecret } from "./agent-secrets";

/**
 * Exchanges a one-time enrolment token for the host's agent secret. The token works once and
 * expires; the secret is returned once and stored hashed. Enrolling again (a re-installed
 * agent, with a fresh token) replaces the previous secret.
 */
export async function enrollHost(token: string, agent: { agentVersion: string; driver: "lxc" | "freebsd" }, now = new Date()) {
  const secret = newSecret();
  return db.$transaction(async (tx) => {
    const host = await tx.host.findUnique({ where: { enrollTokenHash: hashSecret(token) } });
    if (!host || !host.enrollTokenExpiresAt || host.enrollTokenExpiresAt <= now) {
      throw new AppError("UNAUTHENTICATED", "This enrolment token is invalid or has expired. Issue a new one in the admin console.");
    }
    if (host.driver.toLowerCase() !== agent.driver) {
      throw new AppError(
        "VALIDATION",
        `This host was added with the ${host.driver.toLowerCase()} driver, but the agent runs ${agent.driver}.`,
      );
    }
    // Conditional on the token still being there: of two racing enrolments only one wins.
    const { count } = await tx.host.updateMany({
      where: { id: host.id, enrollTokenHash: hashSecret(token) },
      data: {
        agentTokenHash: hashSecret(secret),
        enrollTokenHash: null,
        enrollTokenExpiresAt: null,
        enrolledAt: now,
        agentVersion: agent.agentVersion,
        status: host.status === "PENDING" ? "ACTIVE" : host.status,
      },
    });
    if (count !== 1) throw new AppError("UNAUTHENTICATED", "This enrolment token has already been used.");
    await recordAudit(tx, {
      actor: { kind: "agent", hostId: host.id },
      action: "host.enroll",
      targetType: "Host",
      targetId: host.id,
      data: { agentVersion: agent.agentVersion },
    });
    return { hostId: host.id, hostName: host.name, secret };
  });
}
