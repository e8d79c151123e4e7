// A module resolution hook (node:module register) for the front door, scripts/serve.ts. The
// console relay it runs (lib/server/console-gateway.ts) reaches the database through lib/, whose
// server modules import "server-only" — a marker whose default export throws, to keep them out
// of client bundles; Next.js resolves it to an empty module on the server with the react-server
// condition. The front door runs outside Next.js's bundles, so this hook gives it that same
// empty module for that one specifier and leaves every other resolution alone (running the
// whole process under --conditions=react-server would also change how React resolves for
// Next.js's own server in this process).
const EMPTY = new URL("../../node_modules/server-only/empty.js", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "server-only") return { url: EMPTY, shortCircuit: true };
  return nextResolve(specifier, context);
}
