// Codes for the seeded staff logins, computed with otplib from the secret the seed enrolled them
// with (npm test passes it as E2E_ADMIN_TOTP_SECRET / E2E_BILLING_TOTP_SECRET, as npm start
// prints it for a person). The server accepts each 30-second step once and the steps before and
// after it, so the two Playwright workers signing in as the same admin must not pick the same
// step: they take steps from a counter in a file under the OS temp directory, behind a lock
// directory (mkdir is atomic), and wait for the next step only when the three open ones are used.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generate } from "otplib";

const PERIOD = 30;
const MARGIN_SECONDS = 10; // time left for the browser to submit the code

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withLock<T>(dir: string, fn: () => T): Promise<T> {
  const lock = `${dir}.lock`;
  for (let i = 0; ; i++) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      // A lock older than a minute belongs to a killed worker (it may also vanish meanwhile).
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if (i > 300 || (held && Date.now() - held.mtimeMs > 60_000)) fs.rmSync(lock, { recursive: true, force: true });
      await sleep(50);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** A code no other sign-in of this run has used, valid for at least MARGIN_SECONDS more. */
export async function freshTotpCode(secret: string): Promise<string> {
  const file = path.join(os.tmpdir(), `cellblock-e2e-totp-${crypto.createHash("sha256").update(secret).digest("hex").slice(0, 16)}`);
  const step = await withLock(file, () => {
    const last = Number(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "0") || 0;
    const now = Date.now() / 1000;
    const current = Math.floor(now / PERIOD);
    let s = Math.max(last + 1, current - 1);
    // Step s is accepted from the start of step s-1 until the end of step s+1.
    while ((s + 2) * PERIOD - now < MARGIN_SECONDS) s++;
    fs.writeFileSync(file, String(s));
    return s;
  });
  const opensAt = (step - 1) * PERIOD * 1000;
  if (Date.now() < opensAt) await sleep(opensAt - Date.now() + 200);
  return generate({ secret, epoch: step * PERIOD, period: PERIOD });
}
