// The browser console, the agent's side. The control plane never connects to a host: the agent
// long-polls POST /api/agent/consoles (woken by the same NOTIFY channel as job leases) and, for
// each session a browser opened for one of its jails, dials *out* a WebSocket to
// /api/agent/console/<id> with its bearer secret, then bridges it to a pty running the
// driver's console argv (Driver.consoleArgv: lxc-attach --clear-env … / env -i jexec -l …).
//
// The pty's process gets no environment of the agent's (only TERM and a PATH to find the
// driver's tool), so no secret of the agent's reaches a tenant's jail. Keystrokes pass through
// and are never logged or stored.
//
// The pty comes from @lydell/node-pty (node-pty with prebuilt binaries for Linux, macOS and
// Windows; there is none for FreeBSD), loaded only when a console opens: an agent without it
// runs everything else and tells the browser why its console cannot open.
import fs from "node:fs";
import type { IPty } from "@lydell/node-pty";
import WebSocket from "ws";
import type { AgentApi } from "./api-client";
import type { Driver } from "./drivers/driver";
import { agentFrame, agentInboundFrame, consoleAgentPath, CONSOLE_MAX_FRAME_BYTES } from "@/lib/schemas/console";
import type { z } from "zod";

/** The pty's whole environment. */
export const CONSOLE_ENV = { TERM: "xterm-256color", PATH: "/usr/sbin:/usr/bin:/sbin:/bin" } as const;
/** Output is sent in pieces of at most this many characters (JSON escapes stay under the frame cap). */
const OUTPUT_PIECE_CHARS = 8 * 1024;
/** A session id once tried is not tried again for this long, in ms (the poll answers it until it opens). */
const TRIED_FOR_MS = 120_000;

type PtyModule = { spawn: typeof import("@lydell/node-pty").spawn };
let ptyModule: Promise<PtyModule> | null = null;

/** node-pty, loaded once on first use. @throws Error (with the module's words) when it cannot load here. */
export function loadPty(): Promise<PtyModule> {
  ptyModule ??= import("@lydell/node-pty").then((m) => {
    const mod = m as unknown as PtyModule & { default?: PtyModule };
    return { spawn: mod.spawn ?? mod.default!.spawn };
  });
  ptyModule.catch(() => (ptyModule = null));
  return ptyModule;
}

/** The WebSocket URL of session `id` on the control plane at `base` (http → ws, https → wss). */
export function consoleSocketUrl(base: string, id: string): string {
  const url = new URL(consoleAgentPath(id), base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/** Splits pty output into frames the relay accepts (agentFrame). */
export function outputFrames(data: string): string[] {
  const frames: string[] = [];
  for (let i = 0; i < data.length; i += OUTPUT_PIECE_CHARS) {
    frames.push(JSON.stringify({ type: "output", data: data.slice(i, i + OUTPUT_PIECE_CHARS) } satisfies z.infer<typeof agentFrame>));
  }
  return frames;
}

export class ConsoleBridge {
  private readonly open = new Map<string, { close(): void }>();
  private readonly tried = new Map<string, number>();

  constructor(private readonly opts: { url: string; secret: string; api: AgentApi; driver: Driver; log: (line: string) => void }) {}

  /** The long-poll loop; returns when `stopped()` turns true. */
  async run(stopped: () => boolean, sleep: (ms: number) => Promise<void>) {
    let backoff = 1000;
    while (!stopped()) {
      try {
        const { sessions } = await this.opts.api.consoles(25);
        backoff = 1000;
        const now = Date.now();
        for (const [id, at] of this.tried) if (now - at > TRIED_FOR_MS) this.tried.delete(id);
        const fresh = sessions.filter((s) => !this.tried.has(s.id));
        for (const s of fresh) {
          this.tried.set(s.id, now);
          void this.attach(s.id, s.jail);
        }
        // The poll answers a session until its socket is attached: do not spin meanwhile.
        if (sessions.length && !fresh.length) await sleep(500);
      } catch {
        // The heartbeat loop reports the outage; this one only waits.
        await sleep(backoff);
        backoff = Math.min(30_000, backoff * 2);
      }
    }
    this.closeAll();
  }

  /** Closes every open session (the agent stops). */
  closeAll() {
    for (const s of this.open.values()) s.close();
  }

  /** Dials the control plane for session `id` and, once accepted, runs jail `jail`'s console on a pty. */
  attach(id: string, jail: string): Promise<void> {
    const { log } = this.opts;
    return new Promise<void>((resolve) => {
      const ws = new WebSocket(consoleSocketUrl(this.opts.url, id), {
        headers: { authorization: `Bearer ${this.opts.secret}` },
        maxPayload: CONSOLE_MAX_FRAME_BYTES,
        handshakeTimeout: 15_000,
      });
      let pty: IPty | null = null;
      // The relay sends the browser's size first, and keystrokes may follow, before the pty exists.
      let size = { cols: 80, rows: 24 };
      const early: string[] = [];
      const close = () => {
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
        try {
          pty?.kill("SIGHUP");
        } catch {
          // already gone
        }
      };
      this.open.set(id, { close });
      const send = (frame: string) => ws.readyState === ws.OPEN && ws.send(frame);
      ws.on("open", async () => {
        log(`console ${id} for ${jail} opened`);
        try {
          const argv = await this.opts.driver.consoleArgv(jail);
          const { spawn } = await loadPty();
          pty = spawn(argv[0]!, argv.slice(1), { name: CONSOLE_ENV.TERM, ...size, cwd: "/", env: { ...CONSOLE_ENV } });
        } catch (err) {
          const reason = (err as Error).message.split("\n")[0];
          log(`console ${id} for ${jail} cannot start: ${reason}`);
          for (const f of outputFrames(`\r\nThe console cannot start on this host: ${reason}\r\n`)) send(f);
          send(JSON.stringify({ type: "exit", code: null }));
          return ws.close(1000);
        }
        const p = pty;
        for (const data of early.splice(0)) p.write(data);
        p.onData((data) => {
          for (const f of outputFrames(data)) send(f);
        });
        p.onExit(({ exitCode }) => {
          send(JSON.stringify({ type: "exit", code: exitCode }));
          ws.close(1000);
        });
      });
      ws.on("message", (data) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(data.toString());
        } catch {
          return;
        }
        const frame = agentInboundFrame.safeParse(parsed);
        if (!frame.success) return;
        if (frame.data.type === "resize") {
          size = { cols: frame.data.cols, rows: frame.data.rows };
          pty?.resize(size.cols, size.rows);
        } else if (pty) pty.write(frame.data.data);
        else early.push(frame.data.data);
      });
      ws.on("error", (err) => log(`console ${id} for ${jail}: ${err.message}`));
      ws.on("close", () => {
        close();
        this.open.delete(id);
        log(`console ${id} for ${jail} closed`);
        resolve();
      });
    });
  }
}

/** O_CLOEXEC as /proc/<pid>/fdinfo's `flags` (octal) shows it on Linux (proc(5)). */
const O_CLOEXEC = 0o2000000;

/**
 * Closes the descriptors this process inherited from whatever started it without close-on-exec,
 * so that no console shell (a fork of the agent, through the pty) can carry one into a jail.
 * Node marks the inherited descriptors from 0 up to the first gap past 15 close-on-exec at start
 * (libuv's uv_disable_stdio_inheritance) and opens all of its own close-on-exec, so one above 2
 * without the flag is a parent's that the loop missed (a high one after a gap). Linux only, read
 * from `/proc/self/fdinfo` (proc(5), `flags`); elsewhere (FreeBSD has no procfs by default) it
 * closes nothing and returns null. Node's IPC channel is kept.
 * @returns the descriptors closed, or null when this platform cannot tell.
 */
export function closeInheritedDescriptors(fdinfoDir = "/proc/self/fdinfo"): number[] | null {
  if (process.platform !== "linux") return null;
  let entries: string[];
  try {
    entries = fs.readdirSync(fdinfoDir);
  } catch {
    return null;
  }
  const keep = new Set([0, 1, 2, Number(process.env.NODE_CHANNEL_FD ?? -1)]);
  const closed: number[] = [];
  for (const entry of entries) {
    const fd = Number(entry);
    if (!Number.isInteger(fd) || keep.has(fd)) continue;
    let info: string;
    try {
      info = fs.readFileSync(`${fdinfoDir}/${entry}`, "utf8");
    } catch {
      continue; // the directory listing's own descriptor, gone by now
    }
    const flags = /^flags:\s*([0-7]+)$/m.exec(info)?.[1];
    if (flags === undefined || (parseInt(flags, 8) & O_CLOEXEC) !== 0) continue;
    try {
      fs.closeSync(fd);
      closed.push(fd);
    } catch {
      // already closed
    }
  }
  return closed;
}
