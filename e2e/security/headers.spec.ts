// A strict Content-Security-Policy on every page, with a nonce that Next.js puts on its own
// scripts: the page still works (hydrates, signs in), and an injected inline script would not run.
import { expect, test } from "@playwright/test";

test("every page carries a nonce-based CSP; the app runs under it with no violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load)/i.test(m.text())) violations.push(m.text());
  });
  const res = await page.goto("/login");
  const csp = res!.headers()["content-security-policy"] ?? "";
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  expect(nonce, csp).toBeTruthy();
  expect(csp).toContain("'strict-dynamic'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("unsafe-eval"); // production build
  // Next's scripts carry this response's nonce; a second request gets a different one.
  const scriptNonces = await page.locator("script[nonce]").evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
  expect(scriptNonces.length).toBeGreaterThan(0);
  expect(new Set(scriptNonces)).toEqual(new Set([nonce]));
  const again = await page.request.get("/login");
  expect(again.headers()["content-security-policy"]).not.toContain(nonce!);
  expect(violations).toEqual([]);
  // Injected markup does not run: an inline event handler (what an HTML injection carries) and
  // a parser-inserted inline script without the nonce are both refused. ('strict-dynamic'
  // lets scripts that a trusted script creates with createElement run, by design, so those are
  // not what this checks.)
  await page.evaluate(() => {
    const div = document.createElement("div");
    div.innerHTML = '<img src="/no-such-image.png" onerror="window.__injected = true">';
    document.body.appendChild(div);
    const frame = document.createElement("iframe");
    frame.srcdoc = "<script>parent.__injected = true</script>";
    document.body.appendChild(frame);
  });
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  // And the app still hydrates and runs under the policy, with no violation of its own.
  violations.length = 0;
  await page.goto("/plans");
  await expect(page.getByRole("heading").first()).toBeVisible();
  await page.waitForFunction(() => document.readyState === "complete");
  expect(violations).toEqual([]);
});
