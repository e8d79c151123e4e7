import { AppError } from "@/lib/errors";

/** Reinstall and cancel destroy the jail's data: the customer must type its hostname. */
export function assertHostnameConfirmed(hostname: string, typed: string): void {
  if (typed.trim().toLowerCase() !== hostname.toLowerCase()) {
    const msg = `Type ${hostname} exactly to confirm.`;
    throw new AppError("VALIDATION", "Nothing was changed: the hostname you typed does not match.", { confirmHostname: [msg] });
  }
}
