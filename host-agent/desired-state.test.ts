import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { typedJob } from "@/lib/schemas/jobs";
import { DesiredState } from "./desired-state";

const spec = (name: string) => ({
  name,
  hostname: "www.example.com",
  template: { slug: "base", lxcTemplate: "busybox", zfsSnapshot: null, tarballPath: null },
  limits: { memoryMb: 512, maxProcesses: 64, cpuPercent: 50, diskQuotaMb: 1024 },
  network: { privateIp: "10.77.0.5", privatePrefix: 24, privateGateway: "10.77.0.1", publicIp: null },
});
const job = (type: string, payload: unknown) => typedJob.parse({ type, payload });

describe("desired state", () => {
  it("follows the jobs the agent completed and survives a restart of the agent", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "desired-"));
    const d = new DesiredState(dir);
    d.record(job("CREATE", { jail: spec("cbaaaaaa01"), sshKeys: [], start: true }));
    d.record(job("CREATE", { jail: spec("cbbbbbbb02"), sshKeys: [], start: false }));
    d.record(job("CREATE", { jail: spec("cbcccccc03"), sshKeys: [], start: true }));
    d.record(job("STOP", { name: "cbaaaaaa01" }));
    d.record(job("START", { name: "cbbbbbbb02" }));
    d.record(job("DESTROY", { name: "cbcccccc03" }));
    d.record(job("SET_LIMITS", { name: "cbaaaaaa01", limits: spec("x").limits }));
    expect(new DesiredState(dir).list()).toEqual([
      { name: "cbaaaaaa01", running: false },
      { name: "cbbbbbbb02", running: true },
    ]);
  });

  it("starts empty from a corrupt file, and says so", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "desired-"));
    fs.writeFileSync(path.join(dir, "desired.json"), '{"../etc": "running"}');
    const log: string[] = [];
    expect(new DesiredState(dir, (l) => log.push(l)).list()).toEqual([]);
    expect(log[0]).toMatch(/desired\.json is unreadable/);
  });
});
