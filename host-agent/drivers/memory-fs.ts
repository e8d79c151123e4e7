// Test double: a DriverFs in memory (files and directories by absolute path), for the drivers'
// unit tests. Not used by the agent.
import path from "node:path";
import type { DriverFs } from "./driver-fs";

export class MemoryFs implements DriverFs {
  files = new Map<string, string>();
  dirs = new Set<string>();
  modes = new Map<string, number>();
  /** Apparent sizes of files that are bigger than their text (sparse disk images), by path. */
  sizes = new Map<string, number>();

  async readFile(p: string) {
    const f = this.files.get(p);
    if (f === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: "ENOENT" });
    return f;
  }
  async writeFile(p: string, data: string, opts?: { mode?: number }) {
    this.files.set(p, data);
    if (opts?.mode !== undefined) this.modes.set(p, opts.mode);
  }
  async mkdir(p: string) {
    this.dirs.add(p);
  }
  async rm(p: string, opts?: { recursive?: boolean }) {
    this.files.delete(p);
    this.dirs.delete(p);
    if (opts?.recursive) {
      for (const f of [...this.files.keys()]) if (f.startsWith(`${p}/`)) this.files.delete(f);
      for (const d of [...this.dirs]) if (d.startsWith(`${p}/`)) this.dirs.delete(d);
    }
  }
  async rename(from: string, to: string) {
    if (this.dirs.delete(from)) this.dirs.add(to);
    const f = this.files.get(from);
    if (f !== undefined) {
      this.files.delete(from);
      this.files.set(to, f);
      const size = this.sizes.get(from);
      this.sizes.delete(from);
      if (size !== undefined) this.sizes.set(to, size);
    }
  }
  async exists(p: string) {
    return this.files.has(p) || this.dirs.has(p);
  }
  async size(p: string) {
    const f = this.files.get(p);
    if (f === undefined) throw Object.assign(new Error(`ENOENT: no such file, stat '${p}'`), { code: "ENOENT" });
    return this.sizes.get(p) ?? Buffer.byteLength(f);
  }
  async readdir(dir: string) {
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) if (path.dirname(p) === dir) names.add(path.basename(p));
    return [...names];
  }
}
