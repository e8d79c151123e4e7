// The agent's clock for everything it stamps for the server (usage samples, hog events): the
// control plane's time, not the host's. A host whose clock is off (no NTP, a wrong timezone
// set as UTC, a VM restored from a snapshot) would otherwise file its usage under the wrong
// hours — or, ten minutes fast, have every sample refused as "from the future".
//
// How: every accepted heartbeat answers with the server's time. The agent anchors that time
// to the midpoint of the request on the host's MONOTONIC clock (CLOCK_MONOTONIC, which the
// wall clock's steps and slews do not move) and from then on tells time as
//   server time at the anchor + monotonic time elapsed since,
// so its stamps follow the server's clock to within half a round trip, whatever the host's
// wall clock says or does meanwhile. Stamps are fixed when a sample is taken and the spool
// keeps them, so a resent batch carries the same (jail, time) keys and the server's
// idempotency holds. The clock does not jitter backwards: a new anchor slightly behind the last
// reading holds at that reading until it catches up.
//
// The anchor is kept in <stateDir>/clock.json with the kernel's boot id, so an agent restarted
// while the control plane is unreachable keeps stamping in server time; after a reboot (a new
// boot id, the monotonic clock restarted) it waits for a heartbeat. Until it has an anchor,
// `synced` is false and the agent takes no samples (counters are cumulative: the first sample
// afterwards carries the whole delta, nothing is lost).
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const anchorSchema = z.object({ bootId: z.string(), serverMs: z.number(), monoMs: z.number() });
type Anchor = z.infer<typeof anchorSchema>;

export type ClockSources = {
  /** The host's wall clock, ms since the epoch (the agent's fault knob shifts it). */
  wall: () => number;
  /** The host's monotonic clock, ms (CLOCK_MONOTONIC: survives agent restarts, not reboots). */
  monotonic: () => number;
  /** Identifies this boot of the host (null: unknown, the anchor is then not kept across restarts). */
  bootId: () => string | null;
};

export const systemClockSources = (wallOffsetMs = 0): ClockSources => ({
  wall: () => Date.now() + wallOffsetMs,
  monotonic: () => Number(process.hrtime.bigint() / 1_000_000n),
  bootId: () => {
    try {
      return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || null;
    } catch {
      return null;
    }
  },
});

export class ServerClock {
  private anchor: Anchor | null = null;
  private last = 0;
  private readonly file: string;

  constructor(
    stateDir: string,
    private readonly sources: ClockSources = systemClockSources(),
  ) {
    this.file = path.join(stateDir, "clock.json");
    try {
      const saved = anchorSchema.parse(JSON.parse(fs.readFileSync(this.file, "utf8")));
      const bootId = sources.bootId();
      if (bootId && saved.bootId === bootId && saved.monoMs <= sources.monotonic()) this.anchor = saved;
    } catch {
      // absent, unreadable or from another boot: wait for a heartbeat
    }
  }

  /** Whether the clock has a server anchor (from a heartbeat, or kept from earlier in this boot). */
  get synced(): boolean {
    return this.anchor !== null;
  }

  /**
   * Anchors the clock to the server's time from one request: `serverTime` as the server
   * answered it (ISO 8601), `sentMono` and `receivedMono` the monotonic readings (ms) taken
   * just before sending and just after the answer. Returns the host's wall clock minus the
   * server's, in ms (positive: the host is fast), for the heartbeat's facts.
   */
  observe(serverTime: string, sentMono: number, receivedMono: number): number {
    const serverMs = Date.parse(serverTime);
    if (!Number.isFinite(serverMs)) throw new Error(`the server sent an unreadable time: ${serverTime}`);
    const monoMs = (sentMono + receivedMono) / 2;
    const wallAtMid = this.sources.wall() - (this.sources.monotonic() - monoMs);
    this.anchor = { bootId: this.sources.bootId() ?? "", serverMs, monoMs };
    if (this.anchor.bootId) {
      const tmp = `${this.file}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(this.anchor), { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    }
    return Math.round(wallAtMid - serverMs);
  }

  /**
   * Server time now, ms since the epoch (the host's wall clock while not synced). Once synced it
   * never decreases by less than 2 s: a new anchor a few ms behind holds at the last reading;
   * a larger step back is the server's own clock being set back, which decides.
   */
  nowMs(): number {
    if (!this.anchor) return this.sources.wall();
    const t = Math.round(this.anchor.serverMs + (this.sources.monotonic() - this.anchor.monoMs));
    this.last = t < this.last && t > this.last - 2000 ? this.last : t;
    return this.last;
  }

  /** `nowMs()` as a Date. */
  now(): Date {
    return new Date(this.nowMs());
  }

  /** The monotonic clock, for the caller to bracket a request it passes to `observe`. */
  monotonic(): number {
    return this.sources.monotonic();
  }
}
