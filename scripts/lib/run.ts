// Child processes for the start and test scripts: argv arrays, no shell.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

export function run(cmd: string, args: string[], opts: SpawnOptions & { quiet?: boolean } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: opts.quiet ? ["ignore", "pipe", "pipe"] : "inherit", ...opts });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(" ")} exited with ${code ?? signal}\n${output.slice(-4000)}`));
    });
  });
}

/** A long-running child whose output is prefixed with a label, killed with its group on exit. */
export function startService(
  label: string,
  cmd: string,
  args: string[],
  opts: SpawnOptions & { logFile?: NodeJS.WritableStream; silent?: boolean } = {},
): ChildProcess {
  // stdin is a pipe only the launcher holds: if the launcher dies (even by SIGKILL), the child
  // sees it close and exits (lib/process/supervised.ts).
  const child = spawn(cmd, args, {
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
    ...opts,
    env: { ...(opts.env ?? process.env), CELLBLOCK_SUPERVISED: "1" },
  });
  const relay = (stream: NodeJS.ReadableStream | null) => {
    let buf = "";
    stream?.on("data", (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        opts.logFile?.write(`${line}\n`);
        if (!opts.silent) process.stdout.write(`${label} ${line}\n`);
      }
    });
  };
  relay(child.stdout);
  relay(child.stderr);
  return child;
}

export function stopService(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {}
      resolve();
    }, 8000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid!, signal);
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return;
      lastErr = new Error(`HTTP ${res.status}`);
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms: ${String(lastErr)}`);
}
