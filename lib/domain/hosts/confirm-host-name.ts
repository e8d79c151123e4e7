import type { StaffActor } from "@/lib/domain/actor";
import { AppError } from "@/lib/errors";

/** What an admin's far-reaching action on a host takes: the host and its name typed to confirm. */
export type HostConfirmation = { actor: StaffActor; hostId: string; confirmName: string; now?: Date };

/**
 * Removing a host, declaring it dead, evacuating it, wiping its copies: the admin must type its name.
 * @throws AppError VALIDATION (field `confirmName`) when `typed` is not `name`.
 */
export function assertHostNameConfirmed(name: string, typed: string): void {
  if (typed.trim() !== name) {
    const msg = `Type ${name} to confirm.`;
    throw new AppError("VALIDATION", msg, { confirmName: [msg] });
  }
}
