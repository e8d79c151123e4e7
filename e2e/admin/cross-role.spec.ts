// Every page of the admin console is for admins only: a customer and a billing clerk are
// refused (403), and see nothing of what the page holds.
import { expect, test, type Page } from "@playwright/test";
import { sql } from "../helpers/db";
import { requireEnv } from "../helpers/env";
import { signUpThroughForm } from "../helpers/auth";
import { billingPage } from "./helpers";

async function adminPaths(): Promise<string[]> {
  const first = async (table: string) => (await sql<{ id: string }>(`SELECT "id" FROM "${table}" ORDER BY "createdAt" LIMIT 1`))[0]?.id;
  const ids = {
    plan: await first("Plan"),
    template: await first("Template"),
    pool: await first("IpPool"),
    account: await first("Account"),
    jail: await first("Jail"),
  };
  const host = requireEnv("E2E_LOCAL_HOST_ID");
  return [
    "/admin/plans",
    "/admin/plans/new",
    `/admin/plans/${ids.plan}`,
    "/admin/templates",
    "/admin/templates/new",
    `/admin/templates/${ids.template}`,
    "/admin/ip-pools",
    `/admin/ip-pools/${ids.pool}`,
    "/admin/customers",
    `/admin/customers/${ids.account}`,
    "/admin/jails",
    ...(ids.jail ? [`/admin/jails/${ids.jail}`] : []),
    "/admin/staff",
    `/admin/hosts/${host}`,
    `/admin/hosts/${host}/edit`,
  ];
}

/**
 * The first page is opened in the browser (the refusal as a person sees it); the rest are
 * fetched with the same session cookie and their server-rendered HTML checked: the status, the
 * refusal's heading, and no table anywhere in it. (A browser navigation per page cost half a
 * minute per login on these machines and checked nothing more: every page is rendered on the
 * server.)
 */
async function refusedEverywhere(page: Page) {
  const [first, ...rest] = await adminPaths();
  const res = await page.goto(first!);
  expect(res?.status(), first).toBe(403);
  await expect(page.getByRole("heading", { name: "This console is not for your login" })).toBeVisible();
  await expect(page.locator("table")).toHaveCount(0);
  for (const path of rest) {
    const r = await page.request.get(path, { maxRedirects: 0 });
    expect(r.status(), path).toBe(403);
    const html = await r.text();
    expect(html, path).toContain("This console is not for your login");
    expect(html, path).not.toContain("<table");
  }
}

test("a customer is refused at every admin page", async ({ page }) => {
  await signUpThroughForm(page);
  await refusedEverywhere(page);
});

test("a billing clerk is refused at every admin page", async ({ browser }) => {
  await refusedEverywhere(await billingPage(browser));
});
