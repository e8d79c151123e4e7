import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Spool } from "./spool";

const sample = {
  jail: "cbjail0001",
  sampledAt: "2026-11-01T00:00:00.000Z",
  diskBytes: 1,
  memoryBytes: 2,
  cpuPercent: 3,
  processes: 4,
  netRxBytes: 5,
  netTxBytes: 6,
};

describe("spool", () => {
  it("returns valid items oldest first and moves corrupt files aside with a log line instead of crashing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spool-"));
    const log: string[] = [];
    const spool = new Spool(dir, (l) => log.push(l));
    spool.put("usage", { samples: [sample] }, "1-a");
    const usageDir = path.join(dir, "spool", "usage");
    fs.writeFileSync(path.join(usageDir, "2-torn.json"), '{"samples": [');
    fs.writeFileSync(path.join(usageDir, "3-wrong.json"), JSON.stringify({ samples: [{ ...sample, jail: "../etc" }] }));
    spool.put("usage", { samples: [{ ...sample, diskBytes: 9 }] }, "4-b");

    expect(spool.list("usage").map((i) => i.item.samples[0]!.diskBytes)).toEqual([1, 9]);
    expect(fs.readdirSync(path.join(usageDir, "corrupt")).sort()).toEqual(["2-torn.json", "3-wrong.json"]);
    expect(log).toHaveLength(2);
    expect(log[1]).toMatch(/3-wrong\.json is unreadable \(samples\.0\.jail: Invalid jail name\.\); moved to /);
    expect(spool.count("usage")).toBe(2);
    // Moved aside once: the next read is quiet.
    spool.list("usage");
    expect(log).toHaveLength(2);
  });

  it("checks each kind against its own schema", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spool-"));
    const spool = new Spool(dir, () => {});
    spool.put("results", { jobId: "j1", completion: { status: "FAILED", error: "x", retryable: false } });
    fs.writeFileSync(path.join(dir, "spool", "results", "9.json"), JSON.stringify({ samples: [sample] }));
    expect(spool.list("results").map((i) => i.item.jobId)).toEqual(["j1"]);
  });
});
