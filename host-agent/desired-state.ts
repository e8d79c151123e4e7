// Which jails this host should run, as the agent last heard it from the control plane: recorded
// from every job it completed (CREATE/REINSTALL with start, START, RESTART → running; STOP or a
// CREATE without start → stopped; DESTROY → gone), kept on disk so that after a reboot the agent
// knows what to bring back (Driver.recover) before the control plane says anything.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { TypedJob } from "@/lib/schemas/jobs";
import { jailName } from "@/lib/schemas/net";
import type { DesiredJail } from "./drivers/driver";

const fileSchema = z.record(jailName, z.enum(["running", "stopped"]));

export class DesiredState {
  private readonly file: string;
  private jails: Record<string, "running" | "stopped">;

  /** Reads <stateDir>/desired.json; an unreadable file is logged and treated as empty (nothing is started then). */
  constructor(stateDir: string, log: (line: string) => void = () => {}) {
    this.file = path.join(stateDir, "desired.json");
    try {
      this.jails = fileSchema.parse(JSON.parse(fs.readFileSync(this.file, "utf8")));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT")
        log(`${this.file} is unreadable (${(err as Error).message}); no jail will be recovered from it`);
      this.jails = {};
    }
  }

  /** Records what a job that succeeded means for its jail; other job types change nothing. */
  record(job: TypedJob): void {
    const before = JSON.stringify(this.jails);
    switch (job.type) {
      case "CREATE":
      case "REINSTALL":
        this.jails[job.payload.jail.name] = job.payload.start ? "running" : "stopped";
        break;
      case "START":
      case "RESTART":
        this.jails[job.payload.name] = "running";
        break;
      case "STOP":
        this.jails[job.payload.name] = "stopped";
        break;
      case "RESTORE":
        this.jails[job.payload.name] = job.payload.start ? "running" : "stopped";
        break;
      case "MIGRATE_IN":
        this.jails[job.payload.jail.name] = job.payload.start ? "running" : "stopped";
        break;
      case "MIGRATE_OUT":
        // Moved away: it never runs here again (its copy is destroyed when the target has it).
        this.jails[job.payload.name] = "stopped";
        break;
      case "DESTROY":
        delete this.jails[job.payload.name];
        break;
      default:
        return;
    }
    if (JSON.stringify(this.jails) === before) return;
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.jails), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }

  /** Every recorded jail with whether it should run, for Driver.recover. */
  list(): DesiredJail[] {
    return Object.entries(this.jails).map(([name, state]) => ({ name, running: state === "running" }));
  }
}
