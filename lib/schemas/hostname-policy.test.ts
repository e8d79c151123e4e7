import { describe, expect, it } from "vitest";
import { fqdn } from "./net";

describe("hostname policy", () => {
  it.each([
    ["www.example.com", null],
    ["xn--bcher-kva.example", null], // bücher.example: one script
    ["xn--r8jz45g.jp", null], // 例え.jp: Han and Hiragana, one writing system
    ["xn--pypal-4ve.com", /mixes writing systems/], // pаypal.com: Latin with one Cyrillic а
    ["xn--80ak6aa92e.com", /looks like an ASCII name/], // аррӏе.com: all Cyrillic, reads "apple"
    ["xn--ab.com", /not a valid internationalised name/],
    ["xn--abc-.com", /fully-qualified/], // a label may not end with a hyphen
    ["1234.5678", /only digits/],
  ] as const)("%s", (name, expected) => {
    const r = fqdn.safeParse(name);
    if (expected === null) expect(r.success).toBe(true);
    else expect(r.error?.issues[0]?.message).toMatch(expected);
  });
});
