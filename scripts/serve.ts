// The web tier: Next.js behind a small Node HTTP server of our own, for one reason — the
// client address. Next.js only fills X-Forwarded-For when the client left it empty, so a
// client could name any address it liked and dodge the per-IP sign-in limit. Here the socket
// address is appended to the header (the trusted proxies in front of us, TRUST_PROXY_HOPS of
// them, have appended theirs), so lib/http/client-ip.ts can count hops from the right.
//
// It is also the front door for the one cross-site request check (lib/http/same-origin.ts):
// a state-changing request from a foreign or null Origin, or without an Origin outside the
// auth flow, the agent API and bearer-token calls of /api/v1, is refused here with a 403 before Next.js sees it. Server
// actions and route handlers run the same check again, so `next start` alone is still safe.
//
// And it takes the WebSocket upgrades of the browser console (lib/server/console-gateway.ts):
// Next.js route handlers cannot hold a WebSocket.
import http from "node:http";
import { register } from "node:module";
import next from "next";
import { checkSameOrigin, mayOmitOrigin } from "@/lib/http/same-origin";
import { problemOf } from "@/lib/api/v1/problem";
import { checkServerConfig, launcherConfig, webConfig } from "@/lib/config/server";
import { superviseFromLauncher } from "@/lib/process/supervised";
import { metrics, routeLabel } from "@/lib/server/metrics";

// Every setting is checked before the server starts: a bad value stops it here, by name.
checkServerConfig();
superviseFromLauncher({
  launched: launcherConfig().CELLBLOCK_SUPERVISED === "1",
  onParentGone: () => new Promise<void>((r) => server.close(() => r())),
});
const { PORT: port, HOST: hostname, NODE_ENV, TRUST_PROXY_HOPS: trustedHops } = webConfig();
const dev = NODE_ENV !== "production";

const app = next({ dev, hostname, port, dir: process.cwd() });
const handle = app.getRequestHandler();

function rewriteForwardedFor(req: http.IncomingMessage) {
  const socketAddr = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
  const prior = trustedHops > 0 ? String(req.headers["x-forwarded-for"] ?? "") : "";
  req.headers["x-forwarded-for"] = prior ? `${prior}, ${socketAddr}` : socketAddr;
  // With no trusted proxy, forwarded headers are the client's own words: drop them so nothing
  // downstream (Next.js, the origin check) can take them for a proxy's.
  if (trustedHops === 0) {
    for (const h of ["x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "forwarded"]) delete req.headers[h];
  }
}

await app.prepare();
// The console relay imports lib/ modules marked server-only: load it after the hook that lets them.
register("./lib/allow-server-only.mjs", import.meta.url);
const { ConsoleGateway } = await import("@/lib/server/console-gateway");
const consoleGateway = new ConsoleGateway();
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function refuseCrossSite(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (SAFE_METHODS.has(req.method ?? "GET")) return false;
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  const path = req.url ?? "/";
  try {
    checkSameOrigin(headers, { allowMissing: mayOmitOrigin(path, headers) });
    return false;
  } catch (err) {
    // The API answers every error as RFC 9457 problem details, this one included.
    if (path.startsWith("/api/v1/")) {
      res.writeHead(403, { "content-type": "application/problem+json" });
      res.end(JSON.stringify(problemOf("FORBIDDEN", (err as Error).message)));
    } else {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: (err as Error).message, code: "FORBIDDEN" }));
    }
    return true;
  }
}

const server = http.createServer((req, res) => {
  const started = process.hrtime.bigint();
  res.once("finish", () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics().httpDuration.observe(
      { method: req.method ?? "GET", route: routeLabel(req.url ?? "/"), status: String(res.statusCode) },
      seconds,
    );
  });
  rewriteForwardedFor(req);
  if (refuseCrossSite(req, res)) return;
  handle(req, res).catch((err) => {
    console.error("[web] request failed", err);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
server.on("upgrade", (req: http.IncomingMessage, socket, head: Buffer) => {
  rewriteForwardedFor(req);
  if (consoleGateway.handles(req.url)) return consoleGateway.upgrade(req, socket, head);
  // Development: Next.js's hot reload speaks WebSocket too.
  if (dev) return void app.getUpgradeHandler()(req, socket, head);
  socket.destroy();
});
// Agents long-poll for up to ~25 s; keep idle sockets a bit longer than that.
server.keepAliveTimeout = 35_000;
server.headersTimeout = 40_000;
server.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EADDRINUSE") {
    console.error(
      `[web] port ${port} on ${hostname} is already in use — most likely an earlier Cellblock that is still running. ` +
        `Find it with: ss -ltnp 'sport = :${port}'   and stop it, or set PORT to another port.`,
    );
    process.exit(1);
  }
  throw err;
});
server.listen(port, hostname, () => {
  console.log(
    `[web] listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port} (${dev ? "development" : "production"})`,
  );
});

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    server.close();
    void consoleGateway
      .close()
      .catch(() => {})
      .then(() => app.close?.())
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
