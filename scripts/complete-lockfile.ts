// `npm run lockfile:complete` — run after every `npm install` that changes package-lock.json.
//
// The registry these machines reach does not serve every platform's native binary package
// (e.g. @next/swc-darwin-arm64 answers 404). npm then leaves those optional dependencies out
// of the lockfile, and `npm ci` refuses the lockfile as "out of sync" (npm/cli#9846). This adds
// an entry for each missing platform package, with the os/cpu its name declares, so npm ci
// skips it on every platform it does not fit — exactly what it would do with full metadata.
import fs from "node:fs";

type LockEntry = {
  version?: string;
  optional?: boolean;
  dev?: boolean;
  os?: string[];
  cpu?: string[];
  optionalDependencies?: Record<string, string>;
};

export function platformOf(name: string): { os?: string[]; cpu: string[] } | null {
  const m = /-(android|darwin|freebsd|linux|win32|wasm32)-(arm64|x64|arm|ia32|wasi)\b/.exec(name);
  if (!m) return null;
  return m[1] === "wasm32" ? { cpu: ["wasm32"] } : { os: [m[1]!], cpu: [m[2]!] };
}

export function missingOptionalEntries(packages: Record<string, LockEntry>): Array<[string, LockEntry]> {
  const out: Array<[string, LockEntry]> = [];
  for (const meta of Object.values(packages)) {
    for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
      const key = `node_modules/${dep}`;
      if (packages[key] || out.some(([k]) => k === key)) continue;
      const platform = platformOf(dep);
      if (!platform) continue;
      out.push([key, { version, ...platform, optional: true, ...(meta.dev ? { dev: true } : {}) }]);
    }
  }
  return out;
}

if (process.argv[1]?.endsWith("complete-lockfile.ts")) {
  const file = "package-lock.json";
  const lock = JSON.parse(fs.readFileSync(file, "utf8")) as { packages: Record<string, LockEntry> };
  const missing = missingOptionalEntries(lock.packages);
  for (const [key, entry] of missing) lock.packages[key] = entry;
  lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
  fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
  console.log(
    missing.length
      ? `Added ${missing.length} platform entries: ${missing.map(([k]) => k.slice(13)).join(", ")}`
      : "The lockfile is complete.",
  );
}
