// The orphan the fault report found: a launcher killed with SIGKILL left its web server running,
// spinning on EPIPE. Here a real launcher process starts a real child with startService and is
// SIGKILLed; the child must exit on its own, promptly, and not spin.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const tsx = ["--import", "tsx"];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

/**
 * Starts a launcher that starts a child, SIGKILLs the launcher, and says whether the child
 * outlived it. The child logs every 50 ms when `logs`, and like Next.js's server logs every
 * uncaught error (to the same broken stderr) — the loop the fault report found.
 */
async function orphanOutlives({ mode, logs }: { mode: "supervised" | "guarded" | "bare"; logs: boolean }): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cb-supervised-"));
  const pidFile = path.join(dir, "child.pid");
  // The child: supervised, and writing to stdout every 50 ms (as a busy server logs).
  const child = path.join(dir, "child.ts");
  fs.writeFileSync(
    child,
    `import fs from "node:fs";
import { superviseFromLauncher } from ${JSON.stringify(path.join(root, "lib/process/supervised.ts"))};
import { guardOutput } from ${JSON.stringify(path.join(root, "lib/process/supervised.ts"))};
if (${JSON.stringify(mode)} === "supervised") superviseFromLauncher({ launched: process.env.CELLBLOCK_SUPERVISED === "1", onParentGone: () => {}, graceMs: 500 });
if (${JSON.stringify(mode)} === "guarded") guardOutput();
process.on("uncaughtException", (err) => console.error("uncaught:", err.message));
fs.writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
setInterval(() => { if (${logs}) console.log("still here", Date.now()); }, 50);
`,
  );
  // The launcher: starts the child the way npm start does, then waits to be killed.
  const launcher = path.join(dir, "launcher.ts");
  fs.writeFileSync(
    launcher,
    `import { startService } from ${JSON.stringify(path.join(root, "scripts/lib/run.ts"))};
startService("[child]", process.execPath, ${JSON.stringify([...tsx])}.concat([${JSON.stringify(child)}]), { silent: true, cwd: ${JSON.stringify(root)} });
setInterval(() => {}, 1000);
`,
  );
  const parent: ChildProcess = spawn(process.execPath, [...tsx, launcher], { cwd: root, stdio: "ignore" });
  expect(await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8").length > 0, 30_000)).toBe(true);
  const childPid = Number(fs.readFileSync(pidFile, "utf8"));
  expect(alive(childPid)).toBe(true);

  parent.kill("SIGKILL");
  const gone = await waitFor(() => !alive(childPid), 6_000);
  if (!gone) process.kill(childPid, "SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
  return !gone;
}

describe("supervised children", () => {
  it("end when their launcher is SIGKILLed, even when they write nothing", async () => {
    expect(await orphanOutlives({ mode: "supervised", logs: false })).toBe(false);
  }, 60_000);

  it("a broken stdout ends a process instead of a loop of logged EPIPE errors", async () => {
    expect(await orphanOutlives({ mode: "guarded", logs: true })).toBe(false);
  }, 60_000);

  // Controls: without the guards the same children do outlive the launcher, so the tests above
  // are not vacuous.
  it("(control) a bare silent child outlives its launcher", async () => {
    expect(await orphanOutlives({ mode: "bare", logs: false })).toBe(true);
  }, 60_000);

  it("(control) a bare logging child that logs its own errors outlives its launcher, spinning", async () => {
    expect(await orphanOutlives({ mode: "bare", logs: true })).toBe(true);
  }, 60_000);
});
