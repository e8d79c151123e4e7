// The web server's front door (scripts/serve.ts) on a server of this spec's own, so its log
// holds only this spec's requests: the client address behind a trusted proxy
// (TRUST_PROXY_HOPS=1), and refusals that are not logged as errors.
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { logIn, loginAlert, randomEmail, signUpThroughForm } from "../helpers/auth";
import { count } from "../helpers/db";
import { startOwnServer, type OwnServer } from "../helpers/servers";

test.setTimeout(180_000);

let server: OwnServer;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startOwnServer({ TRUST_PROXY_HOPS: "1" });
});
test.afterAll(() => server?.stop());

test("behind one trusted proxy the client is the address the proxy appended; what the client wrote is ignored", async ({ browser }) => {
  const client = `10.${crypto.randomInt(0, 256)}.${crypto.randomInt(0, 256)}.${crypto.randomInt(1, 255)}`;
  const spoofed = `172.16.${crypto.randomInt(0, 256)}.${crypto.randomInt(1, 255)}`;
  const email = randomEmail("proxied");
  // The browser sends what a proxy in front of us would forward: the client's own claim, then
  // the address the proxy saw. serve.ts appends the proxy's socket address.
  const context = await browser.newContext({ baseURL: server.url, extraHTTPHeaders: { "x-forwarded-for": `${spoofed}, ${client}` } });
  const page = await context.newPage();
  await logIn(page, email, "not anybody's password");
  await expect(loginAlert(page)).toHaveText("Wrong e-mail address or password.");
  expect(await count("LoginAttempt", `"key" = $1 AND NOT "success"`, [`ip:${client}`])).toBe(1);
  expect(await count("LoginAttempt", `"key" = $1`, [`ip:${spoofed}`])).toBe(0);
  expect(await count("LoginAttempt", `"key" = $1 AND NOT "success"`, [`email:${email}`])).toBe(1);
  await context.close();
});

test("with no trusted proxy (the suite's server) a client's X-Forwarded-For is dropped", async ({ browser }) => {
  const claimed = `172.17.${crypto.randomInt(0, 256)}.${crypto.randomInt(1, 255)}`;
  const email = randomEmail("unproxied");
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": claimed } });
  const page = await context.newPage();
  await logIn(page, email, "not anybody's password");
  await expect(loginAlert(page)).toHaveText("Wrong e-mail address or password.");
  expect(await count("LoginAttempt", `"key" = $1 AND NOT "success"`, [`email:${email}`])).toBe(1);
  expect(await count("LoginAttempt", `"key" = $1`, [`ip:${claimed}`])).toBe(0);
  await context.close();
});

test("a customer is refused at /admin and /billing with a 403 page, and the refusal is not logged as an error", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await signUpThroughForm(page);
  for (const path of ["/admin", "/admin/outbox", "/billing"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: "This console is not for your login" })).toBeVisible();
    await expect(page.getByTestId("admin-overview")).toHaveCount(0);
  }
  await context.close();
  const log = server.log();
  expect(log).toContain("[web] listening"); // it is this server's log
  expect(log).not.toMatch(/error/i);
});
