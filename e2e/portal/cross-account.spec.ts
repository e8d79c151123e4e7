// Two customers: B cannot see or change A's jail by URL, by form or by a forged action call.
// Every attempt is "not found", and A's jail, jobs, keys, addresses and audit rows stay as
// they were.
import { expect, test, type Page } from "@playwright/test";
import { sql } from "../helpers/db";
import { AgentProtocol, enrolHost } from "../helpers/hosts";
import { jailSnapshot, orderFor, signUp } from "../helpers/portal";
import { makeSshKey } from "../helpers/ssh-keys";

test.setTimeout(180_000);

// Both customers' jails on this spec's own host, whose agent side the spec plays through the
// agent API: this spec is about who may touch a jail, not about containers (real-agent.spec.ts
// has those).
let agent: AgentProtocol;
test.beforeAll(async () => {
  agent = new AgentProtocol(await enrolHost({ tag: "xacct" }));
});

async function customerWithRunningJail(page: Page) {
  const { email } = await signUp(page);
  await expect(page).toHaveURL(/\/dashboard$/);
  const { id, hostname } = await orderFor(email, agent.host.id);
  expect(await agent.runOpenJobs(id)).toEqual(["CREATE"]);
  await page.goto(`/jails/${id}`);
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running");
  await page.getByLabel("Public key").fill(makeSshKey().line);
  await page.getByRole("button", { name: "Add key" }).click();
  await expect(page.getByTestId("ssh-keys")).toBeVisible();
  expect(await agent.runOpenJobs(id)).toEqual(["SET_SSH_KEYS"]);
  const [key] = await sql<{ id: string }>(`SELECT "id" FROM "SshKey" WHERE "jailId" = $1`, [id]);
  return { id, hostname, keyId: key!.id };
}

test("B gets 'not found' for A's jail by URL, in lists, and from every form with A's ids in it", async ({ browser }) => {
  const pageA = await (await browser.newContext()).newPage();
  const pageB = await (await browser.newContext()).newPage();
  const a = await customerWithRunningJail(pageA);
  const b = await customerWithRunningJail(pageB);
  const beforeA = await jailSnapshot(a.id);
  const beforeB = await jailSnapshot(b.id);

  // By URL.
  for (const path of [`/jails/${a.id}`, `/jails/${a.id}/activity`]) {
    const res = await pageB.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(pageB.getByRole("heading", { name: "Not found" })).toBeVisible();
    await expect(pageB.getByText(a.hostname)).toHaveCount(0);
  }
  for (const path of ["/jails", "/dashboard"]) {
    await pageB.goto(path);
    await expect(pageB.getByText(b.hostname).first()).toBeVisible();
    await expect(pageB.getByText(a.hostname)).toHaveCount(0);
  }

  // By form: B's own jail page, every form rewritten to carry A's jail (and A's key).
  await pageB.goto(`/jails/${b.id}`);
  const forms: Array<[string, Record<string, string>]> = [
    ["Start", {}],
    ["Stop", {}],
    ["Restart", {}],
    ["Reinstall from template", { confirmHostname: a.hostname }],
    ["Cancel this jail", { confirmHostname: a.hostname }],
    ["Change plan", { plan: "yard" }],
    ["Set root password", { password: "a long root password", confirm: "a long root password" }],
    ["Add SSH key", { publicKey: makeSshKey().line }],
    ["Remove", { keyId: a.keyId }],
  ];
  for (const [name, fields] of forms) {
    const form = pageB.getByRole("form", { name, exact: true });
    await form.evaluate(
      (el: HTMLFormElement, { jailId, fields }) => {
        for (const input of Array.from(el.querySelectorAll("input, textarea, select, button")) as HTMLInputElement[])
          input.disabled = false;
        (el.querySelector('input[name="jailId"]') as HTMLInputElement).value = jailId;
        for (const [k, v] of Object.entries(fields)) {
          const input = el.querySelector(`[name="${k}"]`) as HTMLInputElement | HTMLSelectElement;
          if (input instanceof HTMLSelectElement) {
            const opt = document.createElement("option");
            opt.value = v;
            input.appendChild(opt);
          }
          input.value = v;
        }
        el.requestSubmit();
      },
      { jailId: a.id, fields },
    );
    await expect(form.getByRole("alert"), name).toHaveText("That jail was not found.");
  }
  // A's key id with B's own jail is not found either.
  const removeForm = pageB.getByRole("form", { name: "Remove", exact: true });
  await removeForm.evaluate(
    (el: HTMLFormElement, { jailId, keyId }) => {
      (el.querySelector('input[name="jailId"]') as HTMLInputElement).value = jailId;
      (el.querySelector('input[name="keyId"]') as HTMLInputElement).value = keyId;
      el.requestSubmit();
    },
    { jailId: b.id, keyId: a.keyId },
  );
  await expect(removeForm.getByRole("alert")).toHaveText("That key was not found.");

  expect(await jailSnapshot(a.id)).toBe(beforeA);
  expect(await jailSnapshot(b.id)).toBe(beforeB);
  // And A still sees and controls A's jail.
  await pageA.goto(`/jails/${a.id}`);
  await expect(pageA.getByTestId("jail-hostname")).toHaveText(a.hostname);
});
