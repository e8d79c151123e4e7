// Server configuration, read once from the environment and validated, so a bad setting fails
// loudly at start instead of half-working.
import { z } from "zod";

const schema = z.object({
  DATABASE_URL: z.string().url(),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // Public base URL of the panel, used in e-mailed links and the enrolment command.
  APP_URL: z.string().url().default("http://localhost:3000"),
  NEXTAUTH_SECRET: z.string().min(32, "NEXTAUTH_SECRET must be at least 32 characters"),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default("Cellblock <no-reply@cellblock.local>"),
  // Secure cookies need HTTPS; on by default in production, off for a local http:// install.
  COOKIE_SECURE: z.enum(["true", "false"]).optional(),
  // Failed sign-ins allowed per window before the e-mail address / client IP is locked out.
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().positive().default(20),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
  PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().positive().default(60),
  // How many reverse proxies in front of the app append to X-Forwarded-For (0 = none:
  // the client address is the one Next.js itself records).
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    const parsed = schema.safeParse(process.env);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
      throw new Error(`Invalid environment:\n${lines.join("\n")}`);
    }
    cached = parsed.data;
  }
  return cached;
}

export function cookiesSecure(): boolean {
  const e = env();
  if (e.COOKIE_SECURE) return e.COOKIE_SECURE === "true";
  return e.NODE_ENV === "production" && e.APP_URL.startsWith("https://");
}
