// Shared by the admin console specs: signing in as the seeded staff, and fresh names.
import crypto from "node:crypto";
import { expect, type Browser, type Locator, type Page } from "@playwright/test";
import { logInWithTotp } from "../helpers/auth";
import { seeded } from "../helpers/env";

export const tag = () => crypto.randomBytes(4).toString("hex");

export async function adminPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await logInWithTotp(page, seeded.admin);
  await expect(page).toHaveURL(/\/admin$/);
  return page;
}

export async function billingPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await logInWithTotp(page, seeded.billing);
  await expect(page).toHaveURL(/\/billing$/);
  return page;
}

/** Fills labelled form fields (by their exact labels), on the page or within one form of it. */
export async function fill(scope: Page | Locator, fields: Record<string, string>) {
  for (const [label, value] of Object.entries(fields)) await scope.getByLabel(label, { exact: true }).fill(value);
}

/** First instant of the month after `d`, UTC. */
export const nextMonthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
export const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
