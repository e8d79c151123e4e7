// runJob on the freebsd driver over its fake host (the driver's own code, not a mock): which
// failures are worth another attempt and which are reported at once, in words.
import { describe, expect, it } from "vitest";
import { runJob } from "./run-job";
import { HASH, NAME, existingJail, setup, spec } from "./drivers/freebsd/fake-host";
import { DEBIAN, setup as lxcSetup, spec as lxcSpec } from "./drivers/lxc/fake-lxc";

const leased = (type: string, payload: unknown) =>
  ({ id: "job1", type, jailId: "jail1", payload, attempt: 1, leaseExpiresAt: new Date().toISOString() }) as Parameters<typeof runJob>[1];

describe("runJob", () => {
  it("runs a typed payload and reports the result", async () => {
    const { driver } = await existingJail(false);
    expect(await runJob(driver, leased("START", { name: NAME }))).toEqual({
      status: "SUCCEEDED",
      result: { jid: 1, initPid: null, running: true },
    });
    const limits = { memoryMb: 1024, maxProcesses: 10, cpuPercent: 100, diskQuotaMb: 10240 };
    expect(await runJob(driver, leased("SET_LIMITS", { name: NAME, limits }))).toEqual({ status: "SUCCEEDED", result: {} });
  });

  it("an unmet precondition fails for good with the reason in words (not retried with backoff)", async () => {
    const { driver } = await existingJail(false);
    expect(await runJob(driver, leased("SET_PASSWORD", { name: NAME, passwordHash: HASH }))).toEqual({
      status: "FAILED",
      retryable: false,
      error: "The jail must be running to set the root password. Start it and try again.",
    });
  });

  it("a missing jail and an unsupported operation fail for good; a failed command is retried", async () => {
    const missing = await runJob(setup().driver, leased("STOP", { name: NAME }));
    expect(missing).toMatchObject({ status: "FAILED", retryable: false, error: `jail ${NAME} does not exist on this host` });
    const tarball = await existingJail(false, "tarball");
    expect(await runJob(tarball.driver, leased("SNAPSHOT", { name: NAME, snapshot: "s1" }))).toMatchObject({ retryable: false });

    const { host, driver } = setup("tarball");
    host.failTar = true;
    const failed = await runJob(driver, leased("CREATE", { jail: spec(), sshKeys: [], start: true }));
    expect(failed).toMatchObject({ status: "FAILED", retryable: true, output: "tar: Error opening archive\n" });
  });

  it("refuses a payload that does not match its type, naming the field, before touching the host", async () => {
    const { host, driver } = setup();
    const r = await runJob(driver, leased("SET_LIMITS", { name: "../etc", limits: { memoryMb: 1 } }));
    expect(r).toMatchObject({ status: "FAILED", retryable: false });
    expect(r.status === "FAILED" && r.error).toMatch(/^The job's payload is invalid: name: Invalid jail name\.; limits\.maxProcesses: /);
    expect(host.calls).toEqual([]);
  });
});

describe("runJob BUILD_TEMPLATE", () => {
  it("builds the template on an lxc host and reports its size; a second run finds it in the cache", async () => {
    const { driver, host } = lxcSetup();
    expect(await runJob(driver, leased("BUILD_TEMPLATE", { template: DEBIAN }))).toEqual({
      status: "SUCCEEDED",
      result: { templateBytes: 233_277_440 },
    });
    host.reset();
    expect(await runJob(driver, leased("BUILD_TEMPLATE", { template: DEBIAN }))).toEqual({
      status: "SUCCEEDED",
      result: { templateBytes: 233_277_440, note: "the template was already in this host's cache" },
    });
    expect(host.calls).toEqual([]);
  });

  it("CREATE on an lxc host sets root's password from the payload's hash and says so", async () => {
    const { driver } = lxcSetup();
    const r = await runJob(driver, leased("CREATE", { jail: lxcSpec(), sshKeys: [], start: true, rootPasswordHash: HASH }));
    expect(r).toMatchObject({ status: "SUCCEEDED", result: { running: true, rootPasswordSet: true } });
  });

  it("fails for good on a driver whose templates the admin prepares", async () => {
    const { driver } = setup();
    expect(await runJob(driver, leased("BUILD_TEMPLATE", { template: DEBIAN }))).toMatchObject({ status: "FAILED", retryable: false });
  });

  it("BACKUP reports the snapshot; a failed restic is retried and its report carries no secret; a scrubbed payload fails for good", async () => {
    const secrets = { httpPassword: "h".repeat(43), repositoryPassword: "r".repeat(43) };
    const payload = {
      name: NAME,
      repository: "rest:http://127.0.0.1:8765/hostuser1/jail1/",
      username: "hostuser1",
      secrets,
      backupId: "b1",
    };
    const ok = await runJob((await existingJail(true)).driver, leased("BACKUP", payload));
    expect(ok).toMatchObject({ status: "SUCCEEDED", result: { backup: { sizeBytes: 6, addedBytes: 702 } } });

    const { host, driver } = await existingJail(true);
    host.failResticBackup = true;
    const failed = await runJob(driver, leased("BACKUP", payload));
    expect(failed).toMatchObject({ status: "FAILED", retryable: true });
    expect(JSON.stringify(failed)).not.toContain(secrets.httpPassword);
    expect(JSON.stringify(failed)).not.toContain(secrets.repositoryPassword);

    const removed = await runJob(driver, leased("BACKUP", { ...payload, secrets: "[removed]" }));
    expect(removed).toMatchObject({ status: "FAILED", retryable: false });
  });
});
