// CPU time of the server side, read from /proc: the web process, and PostgreSQL (the
// postmaster, its live backends, and the backends that already exited, which the kernel adds
// to the postmaster's cutime/cstime when it reaps them). Linux only; elsewhere it reads 0.
import fs from "node:fs";
import path from "node:path";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function statFields(pid: number): string[] | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: split after its closing one.
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** utime + stime (+ cutime + cstime with `children`), in ms. Fields: state is [0], utime [11]. */
function cpuMsOf(pid: number, children: boolean): number {
  const f = statFields(pid);
  if (!f) return 0;
  const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Server CPU meters: `read()` returns cumulative ms for the web process and for PostgreSQL. */
export function serverCpu(webPid: number, pgDataDir: string) {
  const postmaster = Number(fs.readFileSync(path.join(pgDataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  return {
    read(): { webMs: number; pgMs: number } {
      let pgMs = cpuMsOf(postmaster, true);
      for (const name of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(name)) continue;
        const f = statFields(Number(name));
        if (f && Number(f[1]) === postmaster) pgMs += cpuMsOf(Number(name), false);
      }
      return { webMs: cpuMsOf(webPid, true), pgMs };
    },
  };
}
