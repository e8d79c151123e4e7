// The REST API against the real app, database and host agent: a customer makes tokens on the
// account page (shown once), then a token orders a jail through /api/v1 (a replayed
// Idempotency-Key makes one jail), polls until the real agent has it running in an LXC
// container, and stops it; a read-only token cannot write; another account's token gets 404 for
// the jail; a revoked token gets 401. API calls come from Playwright's request client: no
// browser, no cookie, no Origin header — the front door lets bearer calls of /api/v1 through.
import crypto from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { count, sql } from "../helpers/db";
import { requireEnv } from "../helpers/env";
import { expectGoneFromHost, lxcState } from "../helpers/jobs";
import { randomHostname, signUp } from "../helpers/portal";
import { waitForHydration } from "../helpers/auth";
import { FAST_TEMPLATE } from "../helpers/templates";

test.setTimeout(10 * 60_000);

/** Makes a token on the account page and returns it as shown (once). */
async function makeToken(page: Page, name: string, access: "read" | "write"): Promise<string> {
  await page.goto("/account");
  await waitForHydration(page);
  const form = page.getByRole("form", { name: "New API token" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Access").selectOption(access);
  await form.getByRole("button", { name: "Make token" }).click();
  const shown = page.getByTestId("new-api-token");
  await expect(shown.getByText("It is shown once.")).toBeVisible();
  const token = (await shown.getByLabel("New API token").textContent())!.trim();
  expect(token).toMatch(/^cbk_[A-Za-z0-9_-]{43}$/);
  await shown.getByRole("button", { name: "Done" }).click();
  await expect(shown).toHaveCount(0);
  return token;
}

const auth = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

async function jailState(request: APIRequestContext, token: string, id: string): Promise<string> {
  const res = await request.get(`/api/v1/jails/${id}`, { headers: auth(token) });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { state: string }).state;
}

test("a token orders a jail, polls until it runs on the host, and stops it; read-only, other-account and revoked tokens are refused", async ({
  browser,
  request,
}) => {
  const page = await (await browser.newContext()).newPage();
  const { email } = await signUp(page);
  const writer = await makeToken(page, "deploy script", "write");
  const reader = await makeToken(page, "dashboard", "read");
  // The list shows both, with last use and expiry, never the token itself.
  const rows = page.getByTestId("api-token-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("last used never");
  expect(await page.content()).not.toContain(writer);

  const [{ accountId }] = await sql<{ accountId: string }>(`SELECT "accountId" FROM "User" WHERE "email" = $1`, [email]);
  const hostname = randomHostname("api");
  const order = { plan: "cell", template: FAST_TEMPLATE.slug, hostname };
  const key = crypto.randomUUID();
  const first = await request.post("/api/v1/jails", { headers: auth(writer, { "idempotency-key": key }), data: order });
  expect(first.status(), await first.text()).toBe(201);
  const jail = (await first.json()) as { id: string; hostname: string; state: string };
  expect(jail).toMatchObject({ hostname, state: "QUEUED" });
  expect(first.headers()["location"]).toBe(`/api/v1/jails/${jail.id}`);

  // The same request again (a client that timed out and retried): the first answer, one jail.
  const replay = await request.post("/api/v1/jails", { headers: auth(writer, { "idempotency-key": key }), data: order });
  expect(replay.status()).toBe(201);
  expect(replay.headers()["idempotent-replayed"]).toBe("true");
  expect(((await replay.json()) as { id: string }).id).toBe(jail.id);
  expect(await count("Jail", `"accountId" = $1`, [accountId])).toBe(1);

  const [row] = await sql<{ name: string; hostId: string }>(`SELECT "name", "hostId" FROM "Jail" WHERE "id" = $1`, [jail.id]);
  expect(row!.hostId, "the order should land on the agent's host").toBe(requireEnv("E2E_LOCAL_HOST_ID"));

  // Poll until the real agent has made and started it.
  await expect.poll(() => jailState(request, writer, jail.id), { timeout: 180_000, intervals: [1000] }).toBe("RUNNING");
  expect(await lxcState(row!.name)).toBe("RUNNING");

  // A read-only token reads, but cannot stop it.
  expect(await jailState(request, reader, jail.id)).toBe("RUNNING");
  const refused = await request.post(`/api/v1/jails/${jail.id}/stop`, { headers: auth(reader) });
  expect(refused.status()).toBe(403);
  expect(refused.headers()["content-type"]).toBe("application/problem+json");
  expect(await refused.json()).toMatchObject({ status: 403, code: "FORBIDDEN" });
  expect(await count("Job", `"jailId" = $1 AND "type" = 'STOP'`, [jail.id])).toBe(0);

  // Another account's token: the jail is not found, for reading and for writing.
  const other = await (await browser.newContext()).newPage();
  await signUp(other);
  const stranger = await makeToken(other, "stranger", "write");
  for (const res of [
    await request.get(`/api/v1/jails/${jail.id}`, { headers: auth(stranger) }),
    await request.post(`/api/v1/jails/${jail.id}/stop`, { headers: auth(stranger) }),
  ]) {
    expect(res.status()).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND" });
  }
  expect(await count("Job", `"jailId" = $1 AND "type" = 'STOP'`, [jail.id])).toBe(0);

  // Stop it with the writer, follow it to STOPPED, on the page of record and on the host.
  const stop = await request.post(`/api/v1/jails/${jail.id}/stop`, { headers: auth(writer) });
  expect(stop.status(), await stop.text()).toBe(202);
  await expect.poll(() => jailState(request, writer, jail.id), { timeout: 120_000, intervals: [1000] }).toBe("STOPPED");
  expect(await lxcState(row!.name)).toBe("STOPPED");

  // Revoke the read-only token on the page (with its confirmation): it stops at once.
  await page.reload();
  await waitForHydration(page);
  const readerRow = page.getByTestId("api-token-row").filter({ hasText: "dashboard" });
  await readerRow.getByRole("button", { name: "Revoke" }).click();
  await readerRow.getByRole("button", { name: "Revoke token" }).click();
  await expect(readerRow).toContainText("revoked");
  const gone = await request.get(`/api/v1/jails/${jail.id}`, { headers: auth(reader) });
  expect(gone.status()).toBe(401);
  expect(gone.headers()["www-authenticate"]).toContain("Bearer");

  // The writer's last use shows on the page.
  await expect(page.getByTestId("api-token-row").filter({ hasText: "deploy script" })).not.toContainText("last used never");

  // Leave nothing behind: cancel through the API, gone from the host.
  const cancel = await request.post(`/api/v1/jails/${jail.id}/cancel`, { headers: auth(writer), data: { confirmHostname: hostname } });
  expect(cancel.status(), await cancel.text()).toBe(202);
  await expect.poll(() => jailState(request, writer, jail.id), { timeout: 120_000, intervals: [1000] }).toBe("DESTROYED");
  await expectGoneFromHost(row!.name);
});

test("the front door: a state-changing /api/v1 call without a bearer token and without an Origin is refused, as a problem", async ({
  request,
}) => {
  const res = await request.post("/api/v1/jails", { data: {}, headers: { cookie: "cellblock.session=anything" } });
  expect(res.status()).toBe(403);
  expect(res.headers()["content-type"]).toBe("application/problem+json");
  expect(await res.json()).toMatchObject({ status: 403, code: "FORBIDDEN" });
});

test("the OpenAPI document and the reference page list the same routes", async ({ page, request }) => {
  const res = await request.get("/api/v1/openapi.json");
  expect(res.status()).toBe(200);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  expect(doc.openapi).toBe("3.1.0");
  const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  await page.goto("/api-docs");
  await expect(page.getByRole("heading", { name: "Cellblock API" })).toBeVisible();
  await expect(page.getByTestId("api-route")).toHaveCount(operations);
});
