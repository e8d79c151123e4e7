// The file operations a driver does on the host's own files (jail configs, LXC container
// directories, cgroup and /proc files), behind one small interface so that both drivers can be
// unit-tested on an in-memory file system and never touch the real one by accident.
//
// Never used to write inside a running jail's root: a tenant's symlink there could point
// anywhere on the host. Drivers write inside a jail from inside it (jexec, lxc-attach).

export interface DriverFs {
  /** The file's text (UTF-8). Throws (ENOENT) if it does not exist. */
  readFile(path: string): Promise<string>;
  /** Replaces the file atomically (written beside it, then renamed); mode applies to a new file. */
  writeFile(path: string, data: string, opts?: { mode?: number }): Promise<void>;
  mkdir(path: string, opts?: { recursive?: boolean; mode?: number }): Promise<void>;
  rm(path: string, opts?: { recursive?: boolean; force?: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** True if something (file, directory, symlink) is at the path; never follows a final symlink. */
  exists(path: string): Promise<boolean>;
  /** Entry names in a directory; [] if it does not exist. */
  readdir(path: string): Promise<string[]>;
  /** The size of a file in bytes (a sparse disk image's apparent size). Throws (ENOENT) if it does not exist. */
  size(path: string): Promise<number>;
}

/** Reads a file that may be absent: its text, or null. */
export async function readFileIfExists(fs: DriverFs, path: string): Promise<string | null> {
  try {
    return await fs.readFile(path);
  } catch {
    return null;
  }
}

/** DriverFs on node:fs, for the agent on a real host. */
export async function nodeDriverFs(): Promise<DriverFs> {
  const fsp = await import("node:fs/promises");
  return {
    readFile: (p) => fsp.readFile(p, "utf8"),
    writeFile: async (p, data, opts) => {
      // Write then rename, so jail(8) or lxc-start never reads a half-written file.
      const tmp = `${p}.tmp-${process.pid}`;
      await fsp.writeFile(tmp, data, { mode: opts?.mode ?? 0o644 });
      await fsp.rename(tmp, p);
    },
    mkdir: async (p, opts) => {
      await fsp.mkdir(p, { recursive: opts?.recursive ?? false, mode: opts?.mode });
    },
    rm: (p, opts) => fsp.rm(p, { recursive: opts?.recursive ?? false, force: opts?.force ?? false }),
    rename: (from, to) => fsp.rename(from, to),
    exists: async (p) => {
      try {
        await fsp.lstat(p);
        return true;
      } catch {
        return false;
      }
    },
    readdir: async (p) => {
      try {
        return await fsp.readdir(p);
      } catch {
        return [];
      }
    },
    size: async (p) => (await fsp.stat(p)).size,
  };
}
