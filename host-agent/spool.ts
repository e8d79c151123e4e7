// What the agent could not deliver while the control plane was unreachable: usage batches, hog
// events and job results, one file per item under <stateDir>/spool/<kind>/, written atomically
// and removed only after the server accepted it. Every kind is idempotent on the server
// ((jail, time) for usage, the event key for hogs, the job's state for results), so sending an
// item twice — after a crash between "sent" and "removed" — is harmless.
import fs from "node:fs";
import path from "node:path";

export type SpoolKind = "usage" | "hogs" | "results";

export class Spool {
  constructor(private readonly dir: string) {}

  private kindDir(kind: SpoolKind) {
    const d = path.join(this.dir, "spool", kind);
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    return d;
  }

  put(kind: SpoolKind, item: unknown, key = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`): string {
    const dir = this.kindDir(kind);
    const file = path.join(dir, `${key.replace(/[^A-Za-z0-9_.-]/g, "_")}.json`);
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(item), { mode: 0o600 });
    fs.renameSync(tmp, file);
    return file;
  }

  /** Oldest first. */
  list(kind: SpoolKind): Array<{ file: string; item: unknown }> {
    const dir = this.kindDir(kind);
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .flatMap((f) => {
        const file = path.join(dir, f);
        try {
          return [{ file, item: JSON.parse(fs.readFileSync(file, "utf8")) as unknown }];
        } catch {
          fs.rmSync(file, { force: true }); // a torn write from a crash: nothing to deliver
          return [];
        }
      });
  }

  remove(file: string) {
    fs.rmSync(file, { force: true });
  }

  count(kind: SpoolKind) {
    return fs.readdirSync(this.kindDir(kind)).filter((f) => f.endsWith(".json")).length;
  }
}
