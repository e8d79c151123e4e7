import { describe, expect, it } from "vitest";
import { checkSameOrigin } from "./same-origin";
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
});
