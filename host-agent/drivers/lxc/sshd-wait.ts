// Waiting for a real OS's sshd after start: its first boot makes the host keys, then it listens.
import type { JobContext } from "../driver";
import type { DriverFs } from "../driver-fs";
import { presentedHostKeyFingerprint, sshdListening, type LxcHost } from "./provision";

/** The fingerprint of the key the jail's sshd presents, once its first boot has made it (20 tries, 250 ms apart); null if none. */
export async function waitForPresentedFingerprint(
  host: LxcHost,
  name: string,
  { job, sleep }: { job: JobContext; sleep: (ms: number) => Promise<void> },
): Promise<string | null> {
  for (let attempt = 0; ; attempt++) {
    const fp = await presentedHostKeyFingerprint(host, name);
    if (fp || attempt >= 20 || job.signal?.aborted) return fp;
    await sleep(250);
  }
}

/** Waits until the jail's sshd listens on port 22, or `waitMs` passed (the jail runs either way); true if it listens. */
export async function waitForSshd(
  fs: DriverFs,
  initPid: number,
  { job, sleep, now, waitMs }: { job: JobContext; sleep: (ms: number) => Promise<void>; now: () => number; waitMs: number },
): Promise<boolean> {
  const deadline = now() + waitMs;
  for (;;) {
    if (await sshdListening(fs, initPid)) return true;
    if (job.signal?.aborted || now() >= deadline) return false;
    await sleep(100);
  }
}
