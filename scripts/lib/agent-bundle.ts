// The host agent as it ships: one ES module file with everything it imports (zod, prom-client,
// lib/config, lib/schemas), built by esbuild from host-agent/cli.ts. A jailing host needs only
// Node and this file — not the repository, not node_modules, not a TypeScript loader — and the
// agent's resident memory is what Node and the agent use (bench:agent-scale measured 62 MB
// bundled against 104 MB for the same agent under tsx). npm start, npm test and the benches run
// this same file, so the tests exercise what a host runs.
//
// One exception to "one file": the browser console's pty (@lydell/node-pty) is a native addon,
// which no bundle can hold. It stays external and is copied beside the bundle, into
// dist/node_modules/@lydell/ (its JavaScript and the prebuilt binary package of each platform
// installed here), where the bundle's import finds it. A host copies dist/ whole; a host
// without it (FreeBSD: no prebuilt binary exists) runs everything but the console.
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

/** Where the bundle is written, relative to the repository root. */
export const AGENT_BUNDLE = path.resolve("dist", "cellblock-agent.mjs");

/** The console's pty package, shipped beside the bundle (see above). */
const PTY_PACKAGE = "@lydell/node-pty";

/**
 * Copies node-pty and its installed prebuilt platform packages from node_modules into
 * `<dir>/node_modules/@lydell/`, replacing an older copy. Returns the packages copied.
 */
export function shipPty(dir: string, from = path.resolve("node_modules")): string[] {
  const scope = path.join(from, "@lydell");
  const names = fs.existsSync(scope) ? fs.readdirSync(scope).filter((n) => n === "node-pty" || n.startsWith("node-pty-")) : [];
  const target = path.join(dir, "node_modules", "@lydell");
  fs.rmSync(target, { recursive: true, force: true });
  for (const name of names) fs.cpSync(path.join(scope, name), path.join(target, name), { recursive: true });
  return names.map((n) => `@lydell/${n}`);
}

/**
 * Builds the agent bundle (about a second) and returns its path and size in bytes.
 * @throws esbuild's error (with file and line) when the agent's sources do not compile.
 */
export async function bundleAgent(outfile = AGENT_BUNDLE): Promise<{ file: string; bytes: number }> {
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  await build({
    entryPoints: [path.resolve("host-agent", "cli.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    tsconfig: path.resolve("tsconfig.json"),
    // Dependencies written as CommonJS call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __cbRequire } from 'node:module'; const require = __cbRequire(import.meta.url);" },
    // The pty is shipped beside the bundle (shipPty); ws's optional native speed-ups are not used.
    external: [PTY_PACKAGE, "bufferutil", "utf-8-validate"],
    logLevel: "warning",
    legalComments: "none",
  });
  shipPty(path.dirname(outfile));
  return { file: outfile, bytes: fs.statSync(outfile).size };
}
