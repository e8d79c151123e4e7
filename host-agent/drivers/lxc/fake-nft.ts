// nft(8) as the lxc driver uses it, for the driver's unit tests: `nft --version`, `nft -j list
// table ip cellblock` (answered from the captured fixtures/nft-list-table.json with the maps'
// current elements) and `nft -f -` scripts that add and delete map elements, applied as one
// transaction as nft does (a clash or a missing element fails the whole script).
import fs from "node:fs";
import path from "node:path";
import type { ExecResult } from "../../exec";

const fixture = (f: string) => fs.readFileSync(path.join(import.meta.dirname, "fixtures", f), "utf8");
const ok = (stdout = ""): ExecResult => ({ code: 0, stdout, stderr: "", durationMs: 1 });
const fail = (code: number, stderr: string): ExecResult => ({ code, stdout: "", stderr, durationMs: 1 });

type NatMaps = { dnat4: Map<string, string>; snat4: Map<string, string> };

export class FakeNft {
  /** The NAT maps of the table ip cellblock; null until the table is loaded. */
  nat: NatMaps | null = null;

  run(a: string[], input: string): ExecResult {
    if (a[1] === "--version") return ok("nftables v1.0.6 (Lester Gooch #5)\n");
    if (a[1] === "-j") {
      if (!this.nat) return fail(1, "Error: No such file or directory\nlist table ip cellblock\n");
      const elems = (m: Map<string, string>) => [...m].map(([k, v]) => [k, v]);
      const sample = JSON.parse(fixture("nft-list-table.json")) as { nftables: Array<Record<string, unknown>> };
      // The captured output with these maps' elements in place of the captured ones.
      const items = sample.nftables.map((item) => {
        const map = item.map as { name: string; elem?: unknown } | undefined;
        if (!map || (map.name !== "dnat4" && map.name !== "snat4")) return item;
        const pairs = elems(this.nat![map.name]);
        const { elem: _drop, ...rest } = map;
        return { map: pairs.length ? { ...rest, elem: pairs } : rest };
      });
      return ok(JSON.stringify({ nftables: items }) + "\n");
    }
    // nft -f -: apply the script as one transaction (all or nothing, as nft does).
    const next = this.nat
      ? { dnat4: new Map(this.nat.dnat4), snat4: new Map(this.nat.snat4) }
      : { dnat4: new Map<string, string>(), snat4: new Map<string, string>() };
    for (const line of input.split("\n")) {
      const add = /^add element ip cellblock (dnat4|snat4) \{ (\S+) : (\S+) \}$/.exec(line);
      const del = /^delete element ip cellblock (dnat4|snat4) \{ (\S+) \}$/.exec(line);
      if (add) {
        const map = next[add[1] as "dnat4" | "snat4"];
        if (map.has(add[2]!) && map.get(add[2]!) !== add[3]) return fail(1, `Error: Could not process rule: File exists\n${line}\n`);
        map.set(add[2]!, add[3]!);
      } else if (del) {
        if (!next[del[1] as "dnat4" | "snat4"].delete(del[2]!))
          return fail(1, `Error: Could not process rule: No such file or directory\n${line}\n`);
      } else if (line.startsWith("add element") && !line.includes("bridges")) {
        throw new Error(`the fake does not know this nft line: ${line}`);
      }
    }
    this.nat = next;
    return ok();
  }
}
