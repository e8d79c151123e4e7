import { expect, test } from "@playwright/test";
import { count } from "../helpers/db";
import { fillSignUpForm, randomEmail, signUpThroughForm, waitForHydration } from "../helpers/auth";

test("a cross-origin POST to a server action is refused and changes nothing", async ({ page }) => {
  // Fill the sign-up form validly, but stop the browser's request and keep it: it is the exact
  // request a forged cross-site form would have to make.
  const email = randomEmail("csrf");
  let captured: { headers: Record<string, string>; body: Buffer } | undefined;
  await page.route("**/signup", async (route) => {
    const req = route.request();
    if (req.method() !== "POST") return route.continue();
    captured = { headers: req.headers(), body: req.postDataBuffer()! };
    await route.abort();
  });
  await page.goto("/signup");
  // The spec replays the client's own fetch (with its Next-Action header), so it needs React.
  await waitForHydration(page);
  await fillSignUpForm(page, {
    name: "Forged",
    email,
    password: "forged password 123",
    accountName: "Forged",
    address: "1 Evil Way",
    city: "Nowhere",
    postalCode: "666",
    country: "US",
  });
  await expect.poll(() => captured).toBeTruthy();
  expect(captured!.headers["next-action"]).toBeTruthy();

  const refusals: Array<[string | undefined, string]> = [
    ["https://evil.example", "Cross-origin request refused."],
    ["null", "Cross-origin request refused."],
    [undefined, "Cross-origin request refused: the request has no Origin header."],
  ];
  for (const [origin, message] of refusals) {
    const headers: Record<string, string> = {
      "next-action": captured!.headers["next-action"]!,
      "content-type": captured!.headers["content-type"]!,
      accept: "text/x-component",
    };
    if (origin) headers.origin = origin;
    const res = await page.request.fetch("/signup", { method: "POST", headers, data: captured!.body, failOnStatusCode: false });
    expect(res.status(), `origin ${origin}`).toBe(403);
    expect(await res.json(), `origin ${origin}`).toEqual({ error: message, code: "FORBIDDEN" });
  }
  expect(await count("User", "email = $1", [email])).toBe(0);

  // The same request from our own origin does create the account: the refusal above was the
  // origin check, not a malformed replay.
  const ok = await page.request.fetch("/signup", {
    method: "POST",
    headers: {
      "next-action": captured!.headers["next-action"]!,
      "content-type": captured!.headers["content-type"]!,
      accept: "text/x-component",
      origin: new URL(page.url()).origin,
    },
    data: captured!.body,
  });
  expect(ok.ok()).toBe(true);
  expect(await count("User", "email = $1", [email])).toBe(1);
});

test("a cross-origin POST to next-auth's sign-out is refused and the session survives", async ({ page }) => {
  await signUpThroughForm(page);
  const csrf = await (await page.request.get("/api/auth/csrf")).json();
  for (const origin of ["https://evil.example", "null"]) {
    const res = await page.request.post("/api/auth/signout", {
      headers: { origin },
      form: { csrfToken: csrf.csrfToken, callbackUrl: "/" },
      failOnStatusCode: false,
      maxRedirects: 0,
    });
    expect(res.status(), origin).toBe(403);
    expect(await res.json()).toEqual({ error: "Cross-origin request refused.", code: "FORBIDDEN" });
  }
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
});
