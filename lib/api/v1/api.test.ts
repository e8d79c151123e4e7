// /api/v1 against the real database, through the real dispatcher and domain: tenant scoping per
// route, scopes, staff's console rules, ordering with Idempotency-Key, rate limits, problem
// details — and every route of the table answered with its documented success at least once.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { apiConfig } from "@/lib/config/server";
import { API_ROUTES } from "./routes";
import { handleApiRequest } from "./dispatch";
import { callApi, customerToken, staffToken, type ApiAnswer } from "@/lib/test/api-client";
import { createCustomer, createHost, createJailRow, createStaff, getOrCreatePlan, uid } from "@/lib/test/factories";
import { agentCompletesJobs } from "@/lib/test/jobs";
import { mayOmitOrigin } from "@/lib/http/same-origin";

// Backups need a repository URL to be queued (nothing is sent: no agent runs here). Put back after.
const savedBackupUrl = process.env.BACKUP_URL;
beforeAll(() => {
  process.env.BACKUP_URL = "rest:http://127.0.0.1:9/";
});
afterAll(() => {
  if (savedBackupUrl === undefined) delete process.env.BACKUP_URL;
  else process.env.BACKUP_URL = savedBackupUrl;
});

/** operationIds that answered their documented success status in this file. */
const succeeded = new Set<string>();
const byId = new Map(API_ROUTES.map((r) => [r.operationId, r]));

/** Calls the route `operationId` with path parameters filled in; records a documented success. */
async function op(
  token: string | null,
  operationId: string,
  params: Record<string, string> = {},
  body?: unknown,
  headers?: Record<string, string>,
) {
  const route = byId.get(operationId);
  if (!route) throw new Error(`no route ${operationId}`);
  const p = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (!(name in params)) throw new Error(`${operationId}: missing ${name}`);
    return encodeURIComponent(params[name]!);
  });
  const answer = await callApi(token, route.method, p, body, headers);
  if (answer.status === route.status) succeeded.add(operationId);
  return answer;
}

function sshKeyLine(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cb-api-key-"));
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `api@${uid()}`, "-f", path.join(dir, "k")]);
  const line = fs.readFileSync(path.join(dir, "k.pub"), "utf8").trim();
  fs.rmSync(dir, { recursive: true, force: true });
  return line;
}

async function customerWithJail() {
  const { user, account } = await createCustomer();
  const host = await createHost();
  const jail = await createJailRow({ accountId: account.id, hostId: host.id, state: "RUNNING" });
  return { user, account, host, jail };
}

async function issuedInvoice(accountId: string, totalCents = 1000) {
  const periodStart = new Date(Date.UTC(2020, 0, 1));
  return db.invoice.create({
    data: {
      accountId,
      number: `T-${uid()}`,
      periodStart,
      periodEnd: new Date(Date.UTC(2020, 1, 1)),
      status: "ISSUED",
      totalCents,
      issuedAt: periodStart,
      dueAt: new Date(Date.UTC(2020, 1, 15)),
    },
  });
}

async function succeededBackup(jail: { id: string; hostId: string }) {
  const job = await db.job.create({
    data: {
      hostId: jail.hostId,
      jailId: jail.id,
      type: "BACKUP",
      status: "SUCCEEDED",
      payload: {},
      idempotencyKey: `test-backup:${uid()}`,
      finishedAt: new Date(),
    },
  });
  return db.backup.create({
    data: {
      id: crypto.randomBytes(12).toString("hex"),
      jailId: jail.id,
      hostId: jail.hostId,
      jobId: job.id,
      trigger: "MANUAL",
      status: "SUCCEEDED",
      snapshotId: crypto.randomBytes(32).toString("hex"),
      sizeBytes: 1234n,
      finishedAt: new Date(),
    },
  });
}

/** Everything about an account's jails, keys, jobs, invoices and audit rows, to prove nothing changed. */
async function accountSnapshot(accountId: string) {
  const [jails, jobs, keys, invoices, payments, audit, backups] = await Promise.all([
    db.jail.findMany({ where: { accountId }, orderBy: { id: "asc" } }),
    db.job.findMany({ where: { jail: { accountId } }, orderBy: { id: "asc" } }),
    db.sshKey.findMany({ where: { accountId }, orderBy: { id: "asc" } }),
    db.invoice.findMany({ where: { accountId }, orderBy: { id: "asc" } }),
    db.payment.count({ where: { accountId } }),
    db.auditLog.count({ where: { accountId } }),
    db.backup.findMany({ where: { jail: { accountId } }, orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({ jails, jobs, keys, invoices, payments, audit, backups }, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

const expectProblem = (a: ApiAnswer, status: number, code: string) => {
  expect(a.status, JSON.stringify(a.body)).toBe(status);
  expect(a.headers.get("content-type")).toBe("application/problem+json");
  expect(a.body).toMatchObject({ status, code, title: expect.any(String), type: expect.stringMatching(/^\/api-docs#problem-/) });
};

/** A valid body for each write route, for a jail with this hostname. */
function sampleBody(operationId: string, hostname: string, planSlug: string): unknown {
  switch (operationId) {
    case "orderJail":
      return { plan: planSlug, template: "test-base", hostname: `www.${uid()}.example.test` };
    case "setRootPassword":
      return { password: "a long enough password" };
    case "addSshKey":
      return { publicKey: sshKeyLine(), label: "laptop" };
    case "changePlan":
      return { plan: planSlug };
    case "reinstallJail":
    case "cancelJail":
    case "restoreBackup":
      return { confirmHostname: hostname };
    default:
      return undefined;
  }
}

describe("tenant scoping: a customer token never reaches another account", () => {
  it("every customer route given another account's ids answers 404, lists show only the caller's, and nothing changes", async () => {
    const a = await customerWithJail();
    const aToken = await customerToken(a.user);
    const added = await op(aToken, "addSshKey", { jailId: a.jail.id }, { publicKey: sshKeyLine() });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    await agentCompletesJobs(a.jail.id);
    const backup = await succeededBackup(a.jail);
    const invoice = await issuedInvoice(a.account.id);
    const b = await customerWithJail();
    const bToken = await customerToken(b.user);
    const plan = await getOrCreatePlan(`api-${uid()}`);
    const before = await accountSnapshot(a.account.id);

    const ids = { jailId: a.jail.id, keyId: added.body.keyId as string, backupId: backup.id, invoiceId: invoice.id };
    const withIds = API_ROUTES.filter((r) => !r.area && /\{\w+\}/.test(r.path));
    expect(withIds.length).toBeGreaterThanOrEqual(15);
    for (const route of withIds) {
      const answer = await op(bToken, route.operationId, ids, sampleBody(route.operationId, a.jail.hostname, plan.slug));
      expectProblem(answer, 404, "NOT_FOUND");
    }
    // B's own jail with A's key id: still not found.
    expectProblem(await op(bToken, "removeSshKey", { jailId: b.jail.id, keyId: ids.keyId }), 404, "NOT_FOUND");
    expect(await accountSnapshot(a.account.id)).toBe(before);

    const jails = await op(bToken, "listJails");
    expect((jails.body.jails as Array<{ id: string }>).map((j) => j.id)).toEqual([b.jail.id]);
    const invoices = await op(bToken, "listInvoices");
    expect(invoices.body.invoices).toEqual([]);
  });
});

describe("scopes", () => {
  it("a read-only token reads but every write route answers 403 insufficient_scope and writes nothing", async () => {
    const a = await customerWithJail();
    const backup = await succeededBackup(a.jail);
    const readOnly = await customerToken(a.user, "read");
    const plan = await getOrCreatePlan(`api-${uid()}`);
    const before = await accountSnapshot(a.account.id);
    const ids = { jailId: a.jail.id, keyId: "nokey", backupId: backup.id, invoiceId: "none" };
    const writes = API_ROUTES.filter((r) => !r.area && r.scope === "write");
    expect(writes.map((r) => r.method)).not.toContain("GET");
    for (const route of writes) {
      const answer = await op(readOnly, route.operationId, ids, sampleBody(route.operationId, a.jail.hostname, plan.slug));
      expectProblem(answer, 403, "FORBIDDEN");
      expect(answer.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    }
    expect(await accountSnapshot(a.account.id)).toBe(before);
    expect((await op(readOnly, "getJail", { jailId: a.jail.id })).status).toBe(200);
  });

  it("customer tokens cannot use staff routes, staff tokens cannot use customer routes", async () => {
    const a = await customerWithJail();
    const customer = await customerToken(a.user);
    const admin = await staffToken(await createStaff("ADMIN"));
    for (const route of API_ROUTES) {
      const token = route.area ? customer : admin;
      const ids = {
        jailId: a.jail.id,
        keyId: "k",
        backupId: "0".repeat(24),
        invoiceId: "i",
        hostId: a.host.id,
        jobId: "j",
        accountId: a.account.id,
      };
      expectProblem(await op(token, route.operationId, ids, {}), 403, "FORBIDDEN");
    }
  });

  it("staff routes follow the consoles: hosts and jobs for admins only, accounts for billing and admins", async () => {
    const clerk = await staffToken(await createStaff("BILLING"), "read");
    expectProblem(await op(clerk, "staffListHosts"), 403, "FORBIDDEN");
    expectProblem(await op(clerk, "staffListJobs"), 403, "FORBIDDEN");
    expect((await op(clerk, "staffListAccounts")).status).toBe(200);
    // A read-only staff token cannot suspend.
    const { account } = await createCustomer();
    expectProblem(await op(clerk, "staffSuspendAccount", { accountId: account.id }, { reason: "unpaid invoices" }), 403, "FORBIDDEN");
    expect((await db.account.findUniqueOrThrow({ where: { id: account.id } })).status).toBe("ACTIVE");
  });
});

describe("authentication", () => {
  it("no token, a malformed, unknown, revoked or expired token → 401 with WWW-Authenticate; a cookie is never enough", async () => {
    const a = await customerWithJail();
    const token = await customerToken(a.user);
    const cases: Array<[string, string | null, Record<string, string>]> = [
      ["none", null, {}],
      ["cookie only", null, { cookie: "cellblock.session=anything; __Secure-cellblock.session=x" }],
      ["malformed", "not-a-token", {}],
      ["unknown", `cbk_${"A".repeat(43)}`, {}],
    ];
    for (const [name, t, headers] of cases) {
      const answer = await op(t, "listJails", {}, undefined, headers);
      expectProblem(answer, 401, "UNAUTHENTICATED");
      expect(answer.headers.get("www-authenticate"), name).toContain("Bearer");
    }
    const row = await db.apiToken.findFirstOrThrow({ where: { userId: a.user.id } });
    await db.apiToken.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expectProblem(await op(token, "listJails"), 401, "UNAUTHENTICATED");
  });

  it("a suspended account's tokens are refused with 403, and work again once it is active", async () => {
    const a = await customerWithJail();
    const token = await customerToken(a.user);
    await db.account.update({ where: { id: a.account.id }, data: { status: "SUSPENDED" } });
    expectProblem(await op(token, "listJails"), 403, "FORBIDDEN");
    await db.account.update({ where: { id: a.account.id }, data: { status: "ACTIVE" } });
    expect((await op(token, "listJails")).status).toBe(200);
  });

  it("the front door lets bearer calls of /api/v1 through without an Origin, and nothing else of it", () => {
    const bearer = new Headers({ authorization: "Bearer cbk_x" });
    expect(mayOmitOrigin("/api/v1/jails", bearer)).toBe(true);
    expect(mayOmitOrigin("/api/v1/jails", new Headers({ cookie: "cellblock.session=x" }))).toBe(false);
    expect(mayOmitOrigin("/jails/x", bearer)).toBe(false);
    expect(mayOmitOrigin("/api/agent/lease", new Headers())).toBe(true);
  });

  it("a foreign Origin is refused even with a token (a page of another site cannot write)", async () => {
    const a = await customerWithJail();
    const token = await customerToken(a.user);
    const answer = await op(token, "stopJail", { jailId: a.jail.id }, undefined, { origin: "https://evil.example" });
    expectProblem(answer, 403, "FORBIDDEN");
    expect(await db.job.count({ where: { jailId: a.jail.id } })).toBe(0);
  });
});

describe("ordering with Idempotency-Key", () => {
  // Placement sees every host in the shared test database. This test lives far in the future, on
  // a FreeBSD host: at that moment its host is the only one online, and no other test's order can
  // land on it before it is drained (their templates are Linux-only: a FreeBSD host has no source).
  let bsdHostId: string | undefined;
  afterAll(async () => {
    vi.useRealTimers();
    // Out of placement for every other test from now on, however this one ended.
    if (bsdHostId) await db.host.update({ where: { id: bsdHostId }, data: { status: "DRAINING" } });
  });

  it("a replay answers with the first jail and makes no second one; the same key with another body is 422; then it runs and stops", async () => {
    const future = new Date(Date.now() + 80_000 * 86_400_000);
    vi.useFakeTimers({ toFake: ["Date"], now: future });
    const host = await createHost({ heartbeat: future, driver: "FREEBSD" });
    bsdHostId = host.id;
    const template = await db.template.create({
      data: { slug: `bsd-${uid()}`, name: "BSD and Linux", lxcTemplate: "busybox", zfsSnapshot: "zroot/t/base@1" },
    });
    const plan = await getOrCreatePlan();
    const { user, account } = await createCustomer();
    const token = await customerToken(user);
    const order = { plan: plan.slug, template: template.slug, hostname: `api.${uid()}.example.test` };
    const key = crypto.randomUUID();

    const [first, ...racing] = await Promise.all([1, 2, 3].map(() => op(token, "orderJail", {}, order, { "idempotency-key": key })));
    const answers = [first!, ...racing];
    const made = answers.filter((a) => a.status === 201);
    expect(made.length, JSON.stringify(answers.map((a) => [a.status, a.body]))).toBeGreaterThanOrEqual(1);
    for (const a of answers) if (a.status !== 201) expectProblem(a, 409, "CONFLICT"); // still being handled
    const jailId = made[0]!.body.id as string;
    expect(made[0]!.headers.get("location")).toBe(`/api/v1/jails/${jailId}`);
    expect(made[0]!.body).toMatchObject({ hostname: order.hostname, state: "QUEUED", plan: { slug: plan.slug } });
    expect(made[0]!.body).not.toHaveProperty("lastError");
    expect(made[0]!.body).not.toHaveProperty("accountId");

    const replay = await op(token, "orderJail", {}, order, { "idempotency-key": key });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(jailId);
    expect(await db.jail.count({ where: { accountId: account.id } })).toBe(1);

    const otherBody = await op(token, "orderJail", {}, { ...order, hostname: `other.${uid()}.example.test` }, { "idempotency-key": key });
    expectProblem(otherBody, 422, "VALIDATION");
    expect(await db.jail.count({ where: { accountId: account.id } })).toBe(1);

    // Without a key, a second order is a second jail (the domain's hostname rule still applies).
    expectProblem(await op(token, "orderJail", {}, order), 409, "CONFLICT");

    // The host runs the CREATE (the job machinery as an agent drives it), then the API stops it.
    expect((await db.jail.findUniqueOrThrow({ where: { id: jailId } })).hostId).toBe(host.id);
    await agentCompletesJobs(jailId);
    expect((await op(token, "getJail", { jailId })).body.state).toBe("RUNNING");
    const stop = await op(token, "stopJail", { jailId });
    expect(stop.status, JSON.stringify(stop.body)).toBe(202);
    expectProblem(await op(token, "stopJail", { jailId }), 409, "PRECONDITION"); // a stop is already open
    await agentCompletesJobs(jailId);
    expect((await op(token, "getJail", { jailId })).body).toMatchObject({ state: "STOPPED", desiredState: "STOPPED" });
    vi.useRealTimers();
  });
});

describe("rate limits and problems", () => {
  it("past the token's budget the answer is 429 with Retry-After, as a problem; other tokens are not affected", async () => {
    const a = await customerWithJail();
    const token = await customerToken(a.user);
    const other = await customerToken(a.user);
    const first = await op(token, "listJails");
    expect(first.status).toBe(200);
    const limit = apiConfig().API_RATE_LIMIT;
    expect(first.headers.get("ratelimit-remaining")).toBe(String(limit - 1));
    const row = await db.apiToken.findFirstOrThrow({ where: { userId: a.user.id, prefix: token.slice(0, 10) } });
    await db.apiRateWindow.updateMany({ where: { tokenId: row.id }, data: { count: limit } });
    const limited = await op(token, "listJails");
    expectProblem(limited, 429, "RATE_LIMITED");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(apiConfig().API_RATE_WINDOW_SECONDS);
    expect((await op(other, "listJails")).status).toBe(200);
  });

  it("invalid input is 422 with errors per field; an unknown path 404; a wrong method 405 with Allow", async () => {
    const a = await customerWithJail();
    const token = await customerToken(a.user);
    const bad = await op(token, "setRootPassword", { jailId: a.jail.id }, { password: "short" });
    expectProblem(bad, 422, "VALIDATION");
    expect(bad.body.errors).toHaveProperty("password");
    const notJson = await handleApiRequest(
      new Request(`http://localhost:3000/api/v1/jails/${a.jail.id}/root-password`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: "{not json",
      }),
    );
    expect(notJson.status).toBe(422);
    expect(await notJson.json()).toMatchObject({ code: "VALIDATION", detail: "Request body is not valid JSON." });
    expectProblem(await callApi(token, "GET", "/no-such-thing"), 404, "NOT_FOUND");
    const wrong = await callApi(token, "PATCH", "/jails");
    expectProblem(wrong, 405, "METHOD_NOT_ALLOWED");
    expect(wrong.headers.get("allow")).toBe("GET, POST");
    expectProblem(await op(token, "getJail", { jailId: "../../etc" }), 404, "NOT_FOUND");
  });
});

describe("every route answers its documented success", () => {
  it("customer routes, on a jail of the caller's", async () => {
    const a = await customerWithJail();
    const token = await customerToken(a.user);
    const jailId = a.jail.id;
    const plan = await getOrCreatePlan(`api-up-${uid()}`);
    const invoice = await issuedInvoice(a.account.id);
    const ok = async (operationId: string, params: Record<string, string> = {}, body?: unknown) => {
      const answer = await op(token, operationId, params, body);
      expect(answer.status, `${operationId}: ${JSON.stringify(answer.body)}`).toBe(byId.get(operationId)!.status);
      return answer.body;
    };
    expect((await ok("listPlans")).plans).toEqual(expect.arrayContaining([expect.objectContaining({ slug: plan.slug })]));
    expect((await ok("listTemplates")).templates).toEqual(expect.arrayContaining([expect.objectContaining({ slug: "test-base" })]));
    expect((await ok("getJail", { jailId })).host).not.toHaveProperty("facts");
    await ok("getJailUsage", { jailId });
    await ok("listInvoices");
    expect((await ok("getInvoice", { invoiceId: invoice.id })).number).toBe(invoice.number);
    const { keyId } = await ok("addSshKey", { jailId }, { publicKey: sshKeyLine(), label: "ci" });
    await agentCompletesJobs(jailId);
    expect((await ok("listSshKeys", { jailId })).sshKeys).toHaveLength(1);
    await ok("removeSshKey", { jailId, keyId: keyId as string });
    await agentCompletesJobs(jailId);
    await ok("setRootPassword", { jailId }, { password: "a long enough password" });
    await agentCompletesJobs(jailId);
    await ok("restartJail", { jailId });
    await agentCompletesJobs(jailId);
    await ok("stopJail", { jailId });
    await agentCompletesJobs(jailId);
    await ok("startJail", { jailId });
    await agentCompletesJobs(jailId);
    expect((await ok("changePlan", { jailId }, { plan: plan.slug })).direction).toMatch(/grade$/);
    await agentCompletesJobs(jailId);
    await ok("backUpJail", { jailId });
    expect((await ok("listBackups", { jailId })).backups).toHaveLength(1);
    await agentCompletesJobs(jailId, { failed: "no backup server here" });
    const backup = await succeededBackup(a.jail);
    await ok("restoreBackup", { jailId, backupId: backup.id }, { confirmHostname: a.jail.hostname });
    await agentCompletesJobs(jailId, { failed: "no backup server here" });
    await ok("reinstallJail", { jailId }, { confirmHostname: a.jail.hostname, rootPassword: null });
    await agentCompletesJobs(jailId);
    await ok("cancelJail", { jailId }, { confirmHostname: a.jail.hostname });
  });

  it("staff routes", async () => {
    const admin = await staffToken(await createStaff("ADMIN"));
    const clerk = await staffToken(await createStaff("BILLING"));
    const a = await customerWithJail();
    const invoice = await issuedInvoice(a.account.id, 5000);
    const ok = async (token: string, operationId: string, params: Record<string, string> = {}, body?: unknown) => {
      const answer = await op(token, operationId, params, body);
      expect(answer.status, `${operationId}: ${JSON.stringify(answer.body)}`).toBe(byId.get(operationId)!.status);
      return answer.body;
    };
    await ok(admin, "staffListHosts");
    const host = await ok(admin, "staffGetHost", { hostId: a.host.id });
    expect((host.host as Record<string, unknown>).agentTokenHash).toBeUndefined();
    // A job to cancel, and one that failed to retry.
    const custToken = await customerToken(a.user);
    const stop = await op(custToken, "stopJail", { jailId: a.jail.id });
    const jobs = await ok(admin, "staffListJobs", {}, undefined);
    expect(Array.isArray(jobs.jobs)).toBe(true);
    await ok(admin, "staffGetJob", { jobId: stop.body.jobId as string });
    await ok(admin, "staffCancelJob", { jobId: stop.body.jobId as string });
    const restart = await op(custToken, "restartJail", { jailId: a.jail.id });
    expect(restart.status, JSON.stringify(restart.body)).toBe(202);
    await agentCompletesJobs(a.jail.id, { failed: "boom" });
    await ok(admin, "staffRetryJob", { jobId: restart.body.jobId as string });
    await agentCompletesJobs(a.jail.id);

    expect((await ok(clerk, "staffListAccounts")).accounts).toBeDefined();
    expect((await ok(clerk, "staffGetAccount", { accountId: a.account.id })).id).toBe(a.account.id);
    expect(await ok(clerk, "staffSuspendAccount", { accountId: a.account.id }, { reason: "unpaid invoices" })).toMatchObject({
      stopped: expect.any(Number),
    });
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "account.suspend", targetId: a.account.id } });
    expect(audit.actorRole).toBe("BILLING");
    await ok(clerk, "staffUnsuspendAccount", { accountId: a.account.id });
    expect(
      await ok(clerk, "staffRecordPayment", { invoiceId: invoice.id }, { amount: "50.00", method: "BANK_TRANSFER", reference: "wire 1" }),
    ).toMatchObject({
      status: "PAID",
      balanceCents: 0,
    });
  });

  it("covers the whole route table (this file exercised each route's success)", () => {
    expect(API_ROUTES.map((r) => r.operationId).filter((id) => !succeeded.has(id))).toEqual([]);
  });
});
