// The agent faults that need a precondition made by hand. The rest — an agent SIGKILLed
// mid-create, its state directory wiped, the control plane stopped, skewed clocks, two
// workers, Postgres killed — are the fault matrix (scripts/test-faults.ts, its fast variant
// at the end of npm test).
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { enrolledHost, kill, startAgent } from "../helpers/agents";
import { requireEnv } from "../helpers/env";
import { exec, lxcState, orderJailOn, waitForJob } from "../helpers/jobs";

const children: ChildProcess[] = [];
test.afterEach(() => {
  for (const c of children.splice(0)) kill(c);
});

test("a container left half-made by a kill inside lxc-create is made again, not adopted", async () => {
  test.setTimeout(240_000);
  const { host, config } = await enrolledHost(requireEnv("E2E_BASE_URL"));
  const { jail, job } = await orderJailOn(host.id);
  // What a kill inside lxc-create leaves behind: a container of that name without the driver's
  // "finished" marker (here with a file in it, to tell the two containers apart).
  const dir = `/var/lib/lxc/${jail.name}`;
  await exec("lxc-create", ["-n", jail.name, "-t", "busybox"]);
  fs.writeFileSync(`${dir}/rootfs/left-by-the-killed-attempt`, "x");
  expect(fs.existsSync(`${dir}/cellblock-created`)).toBe(false);

  children.push(startAgent(config));
  const done = await waitForJob(job.id, 180_000);
  expect(done.status, done.error ?? "").toBe("SUCCEEDED");
  expect(JSON.stringify(done.result)).not.toContain("adopted");
  expect(fs.existsSync(`${dir}/rootfs/left-by-the-killed-attempt`)).toBe(false);
  expect(fs.existsSync(`${dir}/cellblock-created`)).toBe(true);
  expect(await lxcState(jail.name)).toBe("RUNNING");
  const { stdout } = await exec("lxc-attach", ["-n", jail.name, "--", "/bin/hostname"]);
  expect(stdout.trim()).toBe(jail.hostname);

  // This host has no bridge, so the jail has no network: loopback only, and its config says so.
  const { stdout: netdev } = await exec("lxc-attach", ["-n", jail.name, "--", "/bin/cat", "/proc/net/dev"]);
  const interfaces = netdev
    .split("\n")
    .slice(2)
    .map((l) => l.split(":")[0]!.trim())
    .filter(Boolean);
  expect(interfaces).toEqual(["lo"]);
  expect(fs.readFileSync(`${dir}/config`, "utf8")).toMatch(/^lxc\.net\.0\.type = empty$/m);
});
