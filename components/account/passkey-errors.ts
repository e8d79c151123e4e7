// What the browser's passkey dialog may answer, in words, for the passkey components.

/**
 * A sentence when this page is not at the relying party's origin (a panel reached as
 * 127.0.0.1 has its passkeys at localhost: lib/auth/webauthn.ts), else null.
 */
export function wrongOrigin(origin: string): string | null {
  if (typeof window === "undefined" || window.location.origin === origin) return null;
  return `Passkeys work at ${origin} only. Open Cellblock there to use one.`;
}

/** The error @simplewebauthn/browser threw, as a sentence. */
export function passkeyCeremonyError(err: unknown): string {
  const name = (err as { name?: string })?.name;
  if (name === "NotAllowedError" || name === "AbortError") return "The passkey dialog was closed or timed out. Try again.";
  if (name === "InvalidStateError") return "This authenticator holds a passkey for your login already.";
  if (name === "SecurityError") return "This address cannot use passkeys. Open Cellblock at its configured address.";
  return `The browser could not use a passkey: ${(err as Error)?.message ?? String(err)}`;
}
