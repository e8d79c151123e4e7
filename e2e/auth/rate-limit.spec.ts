import { expect, test } from "@playwright/test";
import { logIn, loginAlert, logOut, PASSWORD, signUpThroughForm } from "../helpers/auth";

test("repeated wrong passwords lock the address with a clear message", async ({ page }) => {
  const { email } = await signUpThroughForm(page);
  await logOut(page);
  for (let i = 0; i < 5; i++) {
    await logIn(page, email, `wrong password ${i}`);
    await expect(loginAlert(page)).toHaveText("Wrong e-mail address or password.");
  }
  await logIn(page, email, "wrong again");
  await expect(loginAlert(page)).toContainText("Too many failed sign-in attempts. Try again in");
  // Even the right password is refused while the lock holds.
  await logIn(page, email, PASSWORD);
  await expect(loginAlert(page)).toContainText("Too many failed sign-in attempts");
  await expect(page).toHaveURL(/\/login/);
});
