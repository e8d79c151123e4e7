// Mail as its recipient receives it: the suite's SMTP sink (scripts/lib/smtp-sink.ts) writes
// each message the app sends to a file in E2E_MAILBOX.
import fs from "node:fs";
import path from "node:path";
import { expect } from "@playwright/test";
import { requireEnv } from "./env";

export type ReceivedMail = { from: string; to: string[]; subject: string; text: string };

function read(): ReceivedMail[] {
  const dir = requireEnv("E2E_MAILBOX");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as ReceivedMail);
}

/** The latest message to `to` whose subject matches, once it has arrived. */
export async function waitForMail(to: string, subject: RegExp): Promise<ReceivedMail> {
  let found: ReceivedMail | undefined;
  await expect
    .poll(
      () => {
        found = read()
          .reverse()
          .find((m) => m.to.includes(to) && subject.test(m.subject));
        return Boolean(found);
      },
      { message: `mail to ${to} matching ${subject}`, timeout: 30_000 },
    )
    .toBe(true);
  return found!;
}

/** The path and query of the first link to `pathname` in a message. */
export function linkIn(mail: ReceivedMail, pathname: string): string {
  const m = new RegExp(`https?://[^\\s]+${pathname.replace(/\//g, "\\/")}\\?token=[A-Za-z0-9_-]+`).exec(mail.text);
  if (!m) throw new Error(`no ${pathname} link in: ${mail.text}`);
  const url = new URL(m[0]);
  return url.pathname + url.search;
}
