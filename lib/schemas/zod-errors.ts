import type { z } from "zod";

/** zod issues → { field: [messages] }, keyed by the dotted path ("_root" for the whole value). */
export function zodFieldErrorsPlain(err: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of err.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_root";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}
