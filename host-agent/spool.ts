// What the agent could not deliver while the control plane was unreachable: usage batches, hog
// events and job results, one file per item under <stateDir>/spool/<kind>/, written atomically
// and removed only after the server accepted it. Every kind is idempotent on the server
// ((jail, time) for usage, the event key for hogs, the job's state for results), so sending an
// item twice — after a crash between "sent" and "removed" — is harmless.
//
// Items are checked against their kind's schema when read back: a file that is not valid JSON or
// not a valid item (disk corruption, a hand edit, a format from another agent version) is logged
// and moved aside to <kind>/corrupt/ for an admin to look at; it never stops the agent or blocks
// the items behind it.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { completeRequest, hogsRequest, usageRequest } from "@/lib/schemas/agent";

export const spoolItems = {
  results: z.object({ jobId: z.string().min(1).max(64), completion: completeRequest }),
  usage: usageRequest,
  hogs: hogsRequest,
};
export type SpoolKind = keyof typeof spoolItems;
export type SpoolItem<K extends SpoolKind> = z.infer<(typeof spoolItems)[K]>;

export class Spool {
  constructor(
    private readonly dir: string,
    private readonly log: (line: string) => void = (l) => console.log(`[agent] ${l}`),
  ) {}

  private kindDir(kind: SpoolKind) {
    const d = path.join(this.dir, "spool", kind);
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    return d;
  }

  /** Writes one item (atomically: temp file, then rename) and returns its file. */
  put<K extends SpoolKind>(kind: K, item: SpoolItem<K>, key = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`): string {
    const dir = this.kindDir(kind);
    const file = path.join(dir, `${key.replace(/[^A-Za-z0-9_.-]/g, "_")}.json`);
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(item), { mode: 0o600 });
    fs.renameSync(tmp, file);
    return file;
  }

  /** The valid items of a kind, oldest first; invalid files are moved aside (see above). */
  list<K extends SpoolKind>(kind: K): Array<{ file: string; item: SpoolItem<K> }> {
    const dir = this.kindDir(kind);
    const schema = spoolItems[kind] as unknown as z.ZodType<SpoolItem<K>>;
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .flatMap((f) => {
        const file = path.join(dir, f);
        let why: string;
        try {
          const parsed = schema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
          if (parsed.success) return [{ file, item: parsed.data }];
          why = parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join(".") || "(item)"}: ${i.message}`)
            .join("; ");
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "ENOENT") return []; // delivered and removed meanwhile
          why = (err as Error).message;
        }
        this.moveAside(kind, file, why);
        return [];
      });
  }

  remove(file: string) {
    fs.rmSync(file, { force: true });
  }

  count(kind: SpoolKind) {
    return fs.readdirSync(this.kindDir(kind)).filter((f) => f.endsWith(".json")).length;
  }

  private moveAside(kind: SpoolKind, file: string, why: string) {
    const corrupt = path.join(this.kindDir(kind), "corrupt");
    fs.mkdirSync(corrupt, { recursive: true, mode: 0o700 });
    const target = path.join(corrupt, path.basename(file));
    try {
      fs.renameSync(file, target);
    } catch (err) {
      this.log(
        `spooled ${kind} item ${path.basename(file)} is unreadable (${why}) and could not be moved aside: ${(err as Error).message}`,
      );
      return;
    }
    this.log(`spooled ${kind} item ${path.basename(file)} is unreadable (${why}); moved to ${target}`);
  }
}
