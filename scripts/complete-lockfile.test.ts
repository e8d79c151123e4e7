import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { missingOptionalEntries, platformOf } from "./complete-lockfile";

describe("package-lock.json", () => {
  it("lists every optional platform package, so `npm ci` accepts it (run `npm run lockfile:complete`)", () => {
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
    expect(missingOptionalEntries(lock.packages).map(([k]) => k)).toEqual([]);
  });
  it("reads the platform from a package name", () => {
    expect(platformOf("@next/swc-darwin-arm64")).toEqual({ os: ["darwin"], cpu: ["arm64"] });
    expect(platformOf("@tailwindcss/oxide-win32-x64-msvc")).toEqual({ os: ["win32"], cpu: ["x64"] });
    expect(platformOf("@tailwindcss/oxide-wasm32-wasi")).toEqual({ cpu: ["wasm32"] });
    expect(platformOf("left-pad")).toBeNull();
  });
});
