// Usage from the first minute: a jail that starts running is measured at once, not at the next
// usage interval. This agent measures every 300 s (the production default), so a sample within
// 30 s of the jail running can only come from the measurement its start triggers.
import type { ChildProcess } from "node:child_process";
import { expect, test } from "@playwright/test";
import { enrolledHost, kill, startAgent, until } from "../helpers/agents";
import { requireEnv } from "../helpers/env";
import { orderJailOn, prisma, waitForJob } from "../helpers/jobs";

const children: ChildProcess[] = [];
test.afterEach(() => {
  for (const c of children.splice(0)) kill(c);
});

test("a jail is measured as soon as it runs, with the usage interval at five minutes", async () => {
  test.setTimeout(120_000);
  const { host, config } = await enrolledHost(requireEnv("E2E_BASE_URL"));
  children.push(startAgent(config, { USAGE_INTERVAL: "300" }));
  const { jail, job } = await orderJailOn(host.id);
  const done = await waitForJob(job.id, 90_000);
  expect(done.status, done.error ?? "").toBe("SUCCEEDED");

  const first = await until("a first usage sample", () => prisma().usageSample.findFirst({ where: { jailId: jail.id } }), 30_000);
  expect(first.sampledAt.getTime() - done.finishedAt!.getTime()).toBeLessThan(30_000);
  expect(first.diskBytes).toBeGreaterThan(0n);
  expect(first.processes).toBeGreaterThan(0);
});
