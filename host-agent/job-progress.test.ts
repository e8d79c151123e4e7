// Progress reports of a running job: news at most once a second, a lease renewal at 30 % of the
// lease when there is no news, and a stop when the server says the lease was handed on.
import { describe, expect, it } from "vitest";
import { ApiError } from "./api-client";
import { JobProgress, renewInterval } from "./job-progress";

function setup(leaseSeconds = 12, answer: () => Promise<{ leaseExpiresAt: string }> | never = async () => ({ leaseExpiresAt: "" })) {
  const clock = { now: 1_000_000 };
  const sent: Array<Record<string, unknown>> = [];
  const api = {
    progress: async (_id: string, body: Record<string, unknown>) => {
      sent.push(body);
      const r = await answer();
      return { leaseExpiresAt: r.leaseExpiresAt || new Date(clock.now + leaseSeconds * 1000).toISOString() };
    },
  };
  const logs: string[] = [];
  const job = { id: "job1", attempt: 2, leaseExpiresAt: new Date(clock.now + leaseSeconds * 1000).toISOString() };
  const progress = new JobProgress(
    api,
    job,
    (l) => logs.push(l),
    () => clock.now,
  );
  return { clock, sent, progress, logs };
}

describe("JobProgress", () => {
  it("renews the lease at 30 % of it when the job has nothing new to say", async () => {
    const { clock, sent, progress } = setup(12);
    clock.now += 3000;
    await progress.tick();
    expect(sent).toEqual([]);
    clock.now += 700; // 3.7 s: past 30 % of 12 s
    await progress.tick();
    expect(sent).toEqual([{ attempt: 2 }]);
    clock.now += 1000;
    await progress.tick();
    expect(sent).toHaveLength(1);
  });

  it("sends news at most once a second, the latest of it, with the attempt that holds the lease", async () => {
    const { clock, sent, progress } = setup(300);
    const ctx = progress.context();
    ctx.progress({ percent: 10.4, message: "Downloading packages" });
    await progress.tick(); // less than a second since the lease was given
    expect(sent).toEqual([]);
    clock.now += 1000;
    ctx.progress({ percent: 20, output: "I: extracting archives...\n" });
    await progress.tick();
    expect(sent).toEqual([{ attempt: 2, percent: 20, message: "Downloading packages", output: "I: extracting archives...\n" }]);
    clock.now += 1000;
    ctx.progress({ percent: 20 }); // nothing new
    await progress.tick();
    expect(sent).toHaveLength(1);
  });

  it("aborts the job's signal when the server says the lease was handed on, and reports nothing more", async () => {
    const { clock, sent, progress, logs } = setup(12, () => {
      throw new ApiError(409, "This job's lease was handed to attempt 3; attempt 2 should stop.");
    });
    const { signal } = progress.context();
    clock.now += 4000;
    await progress.tick();
    expect(signal?.aborted).toBe(true);
    expect(progress.aborted).toBe(true);
    expect(logs.at(-1)).toMatch(/attempt 2 should stop\. Stopping this attempt\.$/);
    clock.now += 10_000;
    await progress.tick();
    expect(sent).toHaveLength(1);
  });

  it("carries on as an adopted attempt: reports under it, and a refusal of the old attempt in flight does not stop the job", async () => {
    let release: () => void = () => {};
    let first = true;
    const { clock, sent, progress } = setup(12, async () => {
      if (!first) return { leaseExpiresAt: "" };
      first = false;
      // The old attempt's report is in flight when the agent adopts attempt 3; the server
      // refuses it for attempt 2.
      await new Promise<void>((r) => (release = r));
      throw new ApiError(409, "This job's lease was handed to attempt 3; attempt 2 should stop.");
    });
    clock.now += 4000;
    const inFlight = progress.tick();
    progress.adopt({ attempt: 3, leaseExpiresAt: new Date(clock.now + 12_000).toISOString() });
    expect(progress.attempt).toBe(3);
    release();
    await inFlight;
    expect(progress.aborted).toBe(false);
    clock.now += 1000;
    await progress.tick();
    expect(sent).toEqual([{ attempt: 2 }, { attempt: 3 }]);
    expect(progress.aborted).toBe(false);
  });

  it("keeps trying through an unreachable control plane", async () => {
    let down = true;
    const { clock, sent, progress } = setup(12, async () => {
      if (down) throw new Error("fetch failed");
      return { leaseExpiresAt: "" };
    });
    clock.now += 4000;
    await progress.tick();
    clock.now += 1000;
    down = false;
    await progress.tick();
    expect(sent).toHaveLength(2);
    expect(progress.aborted).toBe(false);
  });

  it("renews between 1 s and 60 s", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(renewInterval(new Date(now + 12_000).toISOString(), now)).toBe(3600);
    expect(renewInterval(new Date(now + 300_000).toISOString(), now)).toBe(60_000);
    expect(renewInterval(new Date(now - 5000).toISOString(), now)).toBe(1000);
  });
});
