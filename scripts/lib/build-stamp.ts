// Decides whether `next build` must run: a hash of every source file's path, size and mtime,
// compared with the one stored beside the last build.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const SOURCES = [
  "app",
  "components",
  "lib",
  "public",
  "proxy.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "package-lock.json",
  "tsconfig.json",
];
const SKIP = new Set(["node_modules", ".next", "generated"]);
const STAMP = path.join(".next", "cellblock-build-stamp");

function walk(p: string, hash: crypto.Hash) {
  if (!fs.existsSync(p)) return;
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(p).sort()) if (!SKIP.has(name)) walk(path.join(p, name), hash);
  } else {
    hash.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
  }
}

export function sourceStamp(): string {
  const hash = crypto.createHash("sha256");
  for (const s of SOURCES) walk(s, hash);
  return hash.digest("hex");
}

export function buildIsFresh(): boolean {
  return fs.existsSync(path.join(".next", "BUILD_ID")) && fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === sourceStamp();
}

export function writeBuildStamp(): void {
  fs.writeFileSync(STAMP, sourceStamp());
}
