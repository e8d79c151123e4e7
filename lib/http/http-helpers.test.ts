import { describe, expect, it } from "vitest";
import { checkSameOrigin, expectedOrigins } from "./same-origin";
import { webConfig } from "@/lib/config/server";
import { clientIp } from "./client-ip";
import { safeNextPath } from "./safe-next-path";

const h = (o: Record<string, string>) => new Headers(o);

describe("checkSameOrigin", () => {
  it("accepts the app's own origin and the Host the request came to", () => {
    expect(() => checkSameOrigin(h({ origin: "http://localhost:3000", host: "localhost:3000" }))).not.toThrow();
    expect(() => checkSameOrigin(h({ origin: "http://127.0.0.1:4123", host: "127.0.0.1:4123" }))).not.toThrow();
  });
  it("refuses a foreign origin, the null origin, and a missing one unless allowed", () => {
    expect(() => checkSameOrigin(h({ origin: "https://evil.example", host: "localhost:3000" }))).toThrow(/Cross-origin/);
    expect(() => checkSameOrigin(h({ origin: "null", host: "localhost:3000" }))).toThrow(/Cross-origin/);
    expect(() => checkSameOrigin(h({ host: "localhost:3000" }))).toThrow(/no Origin/);
    expect(() => checkSameOrigin(h({ host: "localhost:3000" }), { allowMissing: true })).not.toThrow();
    expect(() => checkSameOrigin(h({ origin: "null", host: "localhost:3000" }), { allowMissing: true })).toThrow();
  });
});

describe("forwarded headers", () => {
  it("ignores a client's X-Forwarded-Host when no proxy is trusted (TRUST_PROXY_HOPS=0)", () => {
    expect(webConfig().TRUST_PROXY_HOPS).toBe(0);
    // The attacker's page posts with its own Origin and names its own host as "forwarded".
    expect(() =>
      checkSameOrigin(
        h({ origin: "https://evil.example", host: "localhost:3000", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" }),
      ),
    ).toThrow(/Cross-origin/);
    expect(expectedOrigins(h({ host: "localhost:3000", "x-forwarded-host": "evil.example" }))).not.toContain("http://evil.example");
  });
});

describe("clientIp", () => {
  it("takes the right-most X-Forwarded-For entry when no proxy is trusted", () => {
    expect(clientIp(h({ "x-forwarded-for": "6.6.6.6, 192.0.2.7" }))).toBe("192.0.2.7");
    expect(clientIp(h({}))).toBeNull();
  });
});

describe("safeNextPath", () => {
  it("allows local paths only", () => {
    expect(safeNextPath("/jails/abc?x=1", "/dashboard")).toBe("/jails/abc?x=1");
    expect(safeNextPath("https://evil.example", "/dashboard")).toBe("/dashboard");
    expect(safeNextPath("//evil.example", "/dashboard")).toBe("/dashboard");
    expect(safeNextPath("/\\evil.example", "/dashboard")).toBe("/dashboard");
    expect(safeNextPath(undefined, "/dashboard")).toBe("/dashboard");
  });

  // Browsers strip tabs and newlines from URLs and read "\\" as "/": each of these is a way to
  // write "//evil.example" (or to leave the site). Every one must fall back.
  it.each([
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\t\t/evil.example/path",
    "/ /evil.example",
    "/\u00a0/evil.example",
    "/\\/evil.example",
    "/\u0000/evil.example",
    "/\u2028/evil.example",
    " /evil.example",
    "\t//evil.example",
    "/..//evil.example",
    "/./..//evil.example",
    "javascript:alert(1)",
    "https:evil.example",
  ])("refuses %j", (next) => {
    expect(safeNextPath(next, "/fallback")).toBe("/fallback");
  });

  it("keeps a percent-encoded character as part of a local path (the browser does not decode it into a host)", () => {
    const out = safeNextPath("/%2F%2Fevil.example", "/fallback");
    expect(new URL(out, "https://panel.example").origin).toBe("https://panel.example");
  });

  it("returns the parsed path, so what is followed is what was checked", () => {
    expect(safeNextPath("/jails/../admin", "/x")).toBe("/admin");
    expect(safeNextPath("/order?plan=cell#top", "/x")).toBe("/order?plan=cell#top");
  });
});
