// The browser console against the real thing: a jail the agent `npm test` starts for the host
// "local" created in a real LXC container, the page's xterm.js terminal, the front door's
// WebSocket relay, and the agent dialling out to it and running lxc-attach on a pty. Checked on
// the page (the terminal's rows), on the wire (WebSocket close codes and frames) and in the
// database (the session row and its one audit row).
import { expect, test, type Page } from "@playwright/test";
// Named apart from the browser's WebSocket: functions passed to page.evaluate run in the page,
// where an imported binding would be rewritten to a name the page does not have.
import NodeWebSocket from "ws";
import { logIn } from "../helpers/auth";
import { sql } from "../helpers/db";
import { requireEnv } from "../helpers/env";
import { randomHostname, signUp } from "../helpers/portal";
import { chooseTemplate } from "../helpers/templates";

test.describe.configure({ mode: "serial" });
test.setTimeout(6 * 60_000);

const IDLE_SECONDS = Number(requireEnv("E2E_CONSOLE_IDLE_SECONDS"));
let owner: { email: string; password: string; jailId: string; hostname: string } | null = null;

/** The terminal's rows as the page shows them, one string per row, trimmed. */
const rows = (page: Page) =>
  page
    .getByTestId("console-screen")
    .evaluate((el) => [...el.querySelectorAll(".xterm-rows > div")].map((r) => (r.textContent ?? "").trim()));

/** Types into the terminal and presses Enter. */
async function typeLine(page: Page, line: string) {
  await page.getByTestId("console-screen").click();
  await page.keyboard.type(line);
  await page.keyboard.press("Enter");
}

async function openConsole(page: Page) {
  const open = page.getByRole("button", { name: /^(Open console|Reconnect)$/ });
  await expect(open).toBeEnabled({ timeout: 120_000 });
  await open.click();
  await expect(page.getByTestId("console-state")).toHaveAttribute("data-phase", "connected", { timeout: 60_000 });
  // Type at the shell's prompt, as a user does: `su -l` flushes what was typed before the shell started.
  await expect.poll(async () => (await rows(page)).some((r) => /[#$] ?$/.test(r)), { timeout: 30_000 }).toBe(true);
}

const sessionsOf = (jailId: string) =>
  sql<{ id: string; status: string; endReason: string | null; userId: string }>(
    `SELECT "id", "status", "endReason", "userId" FROM "ConsoleSession" WHERE "jailId" = $1 ORDER BY "createdAt"`,
    [jailId],
  );
const consoleAudit = (jailId: string) =>
  sql<{ actorId: string; actorRole: string; data: Record<string, unknown> }>(
    `SELECT "actorId", "actorRole", "data" FROM "AuditLog" WHERE "action" = 'jail.console' AND "targetId" = $1 ORDER BY "createdAt"`,
    [jailId],
  );

test("the console opens on a running jail: `hostname` prints the jail's hostname; the shell has none of the agent's environment; closing it is audited", async ({
  page,
}) => {
  const login = await signUp(page, "/order?plan=cell");
  const hostname = randomHostname("console");
  await chooseTemplate(page);
  await page.getByLabel("Fully-qualified hostname").fill(hostname);
  await page.getByRole("button", { name: "Order jail" }).click();
  await expect(page).toHaveURL(/\/jails\/[a-z0-9]+$/, { timeout: 30_000 });
  const jailId = page.url().split("/").pop()!;
  const [row] = await sql<{ hostId: string }>(`SELECT "hostId" FROM "Jail" WHERE "id" = $1`, [jailId]);
  expect(row!.hostId, "the order should land on the agent's host").toBe(requireEnv("E2E_LOCAL_HOST_ID"));
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running", { timeout: 180_000 });
  owner = { ...login, jailId, hostname };

  await openConsole(page);
  await typeLine(page, "hostname");
  // A row that is the hostname alone: the command's output, not a prompt that contains it.
  await expect.poll(() => rows(page), { timeout: 30_000 }).toContain(hostname);

  // lxc-attach --clear-env under a pty with only TERM and PATH: nothing of the agent's own
  // environment (its metrics token, the test run's variables) is visible in the jail.
  await typeLine(page, "env; echo env-$((20+22))");
  await expect.poll(async () => (await rows(page)).includes("env-42"), { timeout: 30_000 }).toBe(true);
  const screenText = (await rows(page)).join("\n");
  expect(screenText).toContain("TERM=xterm-256color");
  for (const leak of ["AGENT_", "CELLBLOCK", "E2E_", "DATABASE_URL", "NEXTAUTH"]) expect(screenText).not.toContain(leak);

  await page.getByRole("button", { name: "Close console" }).click();
  await expect(page.getByTestId("console-ended")).toHaveAttribute("data-reason", "closed");
  await expect.poll(async () => (await sessionsOf(jailId)).map((s) => [s.status, s.endReason])).toEqual([["ENDED", "closed"]]);
  const [audit] = await consoleAudit(jailId);
  const [user] = await sql<{ id: string }>(`SELECT "id" FROM "User" WHERE "email" = $1`, [login.email]);
  expect(audit).toMatchObject({ actorId: user!.id, actorRole: "CUSTOMER", data: { reason: "closed", shellStarted: true } });
  expect(typeof audit!.data.durationSeconds).toBe("number");
  expect(Date.parse(String(audit!.data.endedAt))).toBeGreaterThanOrEqual(Date.parse(String(audit!.data.startedAt)));
  // Who, when, how long — not what was typed.
  expect(JSON.stringify(audit!.data)).not.toMatch(/env-|hostname|TERM/);
});

test("another account's console ticket is refused; a foreign Origin and a missing login get no socket", async ({ page, browser }) => {
  // Serial with the first test, whose running jail it uses: run alone, it fails rather than skip.
  if (!owner) throw new Error("needs the running jail of the first test: run the whole file");
  const { email, password, jailId } = owner!;
  // The owner's page keeps its ticket instead of sending it, to hand it to another account.
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const w = window as unknown as { __holdTicket?: boolean; __ticket?: string };
    window.WebSocket = class extends Native {
      send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
        if (w.__holdTicket && typeof data === "string" && data.includes('"hello"')) {
          w.__ticket = JSON.parse(data).ticket;
          this.close();
          return;
        }
        super.send(data);
      }
    } as typeof WebSocket;
  });
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto(`/jails/${jailId}`);
  await page.evaluate(() => ((window as unknown as { __holdTicket: boolean }).__holdTicket = true));
  await page.getByRole("button", { name: "Open console" }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __ticket?: string }).__ticket ?? null)).not.toBeNull();
  const ticket = (await page.evaluate(() => (window as unknown as { __ticket: string }).__ticket))!;

  /** Opens the console socket from `p`'s page and presents `t`; returns the frames and the close code. */
  const present = (p: Page, t: string) =>
    p.evaluate(
      (t) =>
        new Promise<{ code: number; frames: Array<{ type: string; reason?: string; message?: string; state?: string }> }>((resolve) => {
          const ws = new WebSocket(`${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/api/console`);
          const frames: Array<{ type: string; state?: string }> = [];
          ws.onopen = () => ws.send(JSON.stringify({ type: "hello", ticket: t, cols: 80, rows: 24 }));
          ws.onmessage = (e) => {
            const f = JSON.parse(String(e.data));
            frames.push(f);
            // The ticket was good: stop here (the relay ends the session as closed).
            if (f.type === "status" && f.state === "connected") ws.close();
          };
          ws.onclose = (e) => resolve({ code: e.code, frames });
        }),
      t,
    );

  const other = await (await browser.newContext()).newPage();
  await signUp(other);
  const refused = await present(other, ticket);
  expect(refused.code).toBe(4403);
  expect(refused.frames).toEqual([{ type: "ended", reason: "refused", message: "This console ticket is not valid." }]);
  // Refused without being spent: the same ticket still opens the owner's console.
  const [pending] = (await sessionsOf(jailId)).filter((s) => s.status === "PENDING");
  expect(pending, "the held ticket's session is still unspent").toBeDefined();
  await page.evaluate(() => ((window as unknown as { __holdTicket: boolean }).__holdTicket = false));
  const accepted = await present(page, ticket);
  expect(accepted.frames.map((f) => f.state ?? f.type)).toEqual(expect.arrayContaining(["waiting", "connected"]));
  // …once.
  const again = await present(page, ticket);
  expect(again.frames).toEqual([{ type: "ended", reason: "refused", message: "This console ticket was already used." }]);
  await other.context().close();

  // Outside the page: a foreign Origin with the owner's cookie, and no cookie at all.
  const base = new URL(requireEnv("E2E_BASE_URL"));
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const upgrade = (headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const ws = new NodeWebSocket(`ws://${base.host}/api/console`, { headers });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => {
        ws.close();
        resolve(101);
      });
      ws.on("error", reject);
    });
  expect(await upgrade({ origin: "http://evil.example.test", cookie })).toBe(403);
  expect(await upgrade({ origin: base.origin })).toBe(401);
});

test("the session ends after the idle timeout, and says so", async ({ page }) => {
  // Serial with the first test, whose running jail it uses: run alone, it fails rather than skip.
  if (!owner) throw new Error("needs the running jail of the first test: run the whole file");
  const { email, password, jailId } = owner!;
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto(`/jails/${jailId}`);
  await openConsole(page);
  const openedAt = Date.now();
  // No keystroke from here on.
  await expect(page.getByTestId("console-ended")).toHaveAttribute("data-reason", "idle", { timeout: (IDLE_SECONDS + 60) * 1000 });
  expect(Date.now() - openedAt).toBeGreaterThanOrEqual((IDLE_SECONDS - 5) * 1000);
  await expect(page.getByTestId("console-ended")).toContainText("idle timeout");
  await expect(page.getByRole("button", { name: "Reconnect" })).toBeVisible();
  await expect.poll(async () => (await consoleAudit(jailId)).some((a) => a.data.reason === "idle")).toBe(true);
  const idle = (await consoleAudit(jailId)).find((a) => a.data.reason === "idle")!;
  expect(Number(idle.data.durationSeconds)).toBeGreaterThanOrEqual(IDLE_SECONDS - 5);
});
