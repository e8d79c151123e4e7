// clientIp behind trusted proxies (TRUST_PROXY_HOPS > 0). The hops-0 case is in
// http-helpers.test.ts; this file pins the setting before its first read.
import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip";

process.env.TRUST_PROXY_HOPS = "2";

const xff = (value: string) => new Headers({ "x-forwarded-for": value });

describe("clientIp with two trusted proxies", () => {
  it("takes the address the outer proxy saw: third from the right, after the inner proxy and our own socket entry", () => {
    // client → proxy A (appends client) → proxy B (appends A) → serve.ts (appends B's socket)
    expect(clientIp(xff("203.0.113.9, 10.0.0.5, 10.0.0.6"))).toBe("203.0.113.9");
  });

  it("ignores whatever the client wrote to the left of it", () => {
    expect(clientIp(xff("6.6.6.6, 7.7.7.7, 203.0.113.9, 10.0.0.5, 10.0.0.6"))).toBe("203.0.113.9");
    expect(clientIp(xff(" 6.6.6.6 ,203.0.113.9,10.0.0.5 , 10.0.0.6"))).toBe("203.0.113.9");
  });

  it("falls back to the left-most entry when fewer hops than configured are present, and caps the length", () => {
    expect(clientIp(xff("10.0.0.6"))).toBe("10.0.0.6");
    expect(clientIp(xff("198.51.100.4, 10.0.0.6"))).toBe("198.51.100.4");
    expect(clientIp(xff(`${"a".repeat(100)}, 10.0.0.5, 10.0.0.6`))).toBe("a".repeat(64));
    expect(clientIp(xff(" , "))).toBeNull();
  });
});
