// What staff may read of a message. A mailed secret (a password-reset or invitation token)
// is the key to someone's login: whoever reads it can take the account over. So staff never
// see one — not in the outbox, not in any copy kept for them.

export const REDACTED = "[redacted]";

/** `text` with every occurrence of each secret replaced by [redacted]. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * A second net for the view: the value of any `token=` (or `secret=`, `key=`) parameter in a
 * link, whatever wrote the message.
 */
export function redactLinkSecrets(text: string): string {
  return text.replace(/([?&](?:token|secret|key)=)[^\s&"'<>]+/gi, `$1${REDACTED}`);
}
