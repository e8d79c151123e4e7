// A web server of a spec's own, on the suite's database: for what must be seen in a server's
// own log (the main server's log is shared with the other worker) or needs other settings.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { requireEnv } from "./env";

export type OwnServer = { url: string; logFile: string; log: () => string; stop: () => void };

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startOwnServer(env: Record<string, string> = {}): Promise<OwnServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "e2e-web-")), "web.log");
  const out = fs.openSync(logFile, "a");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    cwd: process.cwd(),
    detached: true,
    stdio: ["ignore", out, out],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: requireEnv("E2E_DATABASE_URL"),
      APP_URL: url,
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: crypto.randomBytes(32).toString("hex"),
      LOGIN_MAX_FAILURES_PER_IP: "1000",
      ...env,
    },
  });
  fs.closeSync(out);
  const stop = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ok = await fetch(`${url}/login`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(`the spec's own web server did not start:\n${fs.readFileSync(logFile, "utf8").slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, logFile, log: () => fs.readFileSync(logFile, "utf8"), stop };
}
