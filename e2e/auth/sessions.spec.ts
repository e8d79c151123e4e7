import { expect, test } from "@playwright/test";
import { logOut, signUpThroughForm } from "../helpers/auth";

test("a session cookie captured before logout is refused after it", async ({ page, browser }) => {
  await signUpThroughForm(page);
  const captured = await page.context().cookies();
  expect(captured.some((c) => c.name.endsWith("cellblock.session") && c.httpOnly && c.sameSite === "Lax")).toBe(true);

  await logOut(page);

  const thief = await browser.newContext();
  await thief.addCookies(captured);
  const stolen = await thief.newPage();
  await stolen.goto("/dashboard");
  await expect(stolen).toHaveURL(/\/login/);
  const session = await stolen.request.get("/api/auth/session");
  expect(await session.json()).toEqual({});
  await thief.close();
});
