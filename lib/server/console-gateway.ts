// The browser console's relay, on the front door's WebSocket upgrades (scripts/serve.ts). Two
// kinds of socket meet here, both opened *towards* the control plane:
//
//   browser  GET /api/console            Origin must be the app's (lib/http/same-origin.ts), the
//                                        session cookie a live login (lib/auth/socket-session.ts),
//                                        and the first frame a one-time ticket of that login
//   agent    GET /api/agent/console/:id  the host's bearer secret (the /api/agent/* credential);
//                                        only the session's own host may attach
//
// The browser's socket spends its ticket, which NOTIFYs the host's console long poll
// (app/api/agent/consoles); the agent then dials in and the two are bridged, every frame parsed
// on the way (lib/schemas/console.ts). The relay keeps the idle timeout (no keystroke for
// CONSOLE_IDLE_SECONDS), stamps its sessions every SEEN_EVERY_SECONDS and closes those whose
// account was suspended or whose jail stopped, and ends each session once, with its audit row.
//
// Both sockets of a session must reach the same web process: the pairing is in this process's
// memory (README, "Console": a known limit with several web processes behind a balancer).
import "server-only";
import type http from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket, type RawData } from "ws";
import { AppError } from "@/lib/errors";
import { consoleConfig } from "@/lib/config/server";
import { checkSameOrigin } from "@/lib/http/same-origin";
import { clientIp } from "@/lib/http/client-ip";
import { socketSessionUser } from "@/lib/auth/socket-session";
import { authenticateAgent } from "@/lib/domain/hosts/authenticate-agent";
import { attachConsoleAgent } from "@/lib/domain/console/attach-console-agent";
import { claimConsoleTicket } from "@/lib/domain/console/claim-console-ticket";
import { endConsoleSession } from "@/lib/domain/console/end-console-session";
import { stampOpenConsoles } from "@/lib/domain/console/stamp-open-consoles";
import { AGENT_DIAL_SECONDS, END_REASONS, SEEN_EVERY_SECONDS, type ConsoleEndReason } from "@/lib/domain/console/console-rules";
import {
  CONSOLE_BROWSER_PATH,
  CONSOLE_CLOSE,
  CONSOLE_MAX_FRAME_BYTES,
  agentFrame,
  browserFrame,
  type ServerFrame,
} from "@/lib/schemas/console";

/** How long a browser socket may take to send its ticket, in ms. */
const HELLO_MS = 10_000;
const AGENT_PATH = /^\/api\/agent\/console\/([A-Za-z0-9_-]{1,64})$/;

type Session = {
  id: string;
  browser: WebSocket;
  agent: WebSocket | null;
  ip: string | null;
  size: { cols: number; rows: number };
  idleTimer: NodeJS.Timeout | null;
  dialTimer: NodeJS.Timeout | null;
  ended: boolean;
};

function headersOf(req: http.IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : v);
  return h;
}

/** Answers an upgrade with a plain HTTP error and drops the socket (nothing was upgraded). */
function refuseUpgrade(socket: Duplex, status: number, message: string) {
  const reason = { 401: "Unauthorized", 403: "Forbidden", 404: "Not Found" }[status] ?? "Bad Request";
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const send = (ws: WebSocket | null, frame: ServerFrame | Record<string, unknown>) => {
  if (ws && ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
};

function parseJson(data: RawData): unknown {
  try {
    return JSON.parse(data.toString());
  } catch {
    return null;
  }
}

export class ConsoleGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: CONSOLE_MAX_FRAME_BYTES });
  private readonly sessions = new Map<string, Session>();
  private readonly stampTimer: NodeJS.Timeout;

  constructor(private readonly log: (line: string) => void = (l) => console.log(`[console] ${l}`)) {
    this.stampTimer = setInterval(() => void this.stamp(), SEEN_EVERY_SECONDS * 1000);
    this.stampTimer.unref();
  }

  /** Whether this gateway takes the upgrade for `url` (else the caller leaves it to others). */
  handles(url: string | undefined): boolean {
    const path = (url ?? "").split("?")[0]!;
    return path === CONSOLE_BROWSER_PATH || AGENT_PATH.test(path);
  }

  /** The http server's `upgrade` handler for the two console paths. Never throws. */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? "").split("?")[0]!;
    socket.on("error", () => socket.destroy());
    const agentMatch = AGENT_PATH.exec(path);
    const done = agentMatch ? this.upgradeAgent(req, socket, head, agentMatch[1]!) : this.upgradeBrowser(req, socket, head);
    done.catch((err) => {
      if (!(err instanceof AppError)) this.log(`upgrade failed: ${(err as Error).stack ?? err}`);
      if (socket.writable)
        refuseUpgrade(socket, err instanceof AppError ? err.status : 400, err instanceof AppError ? err.message : "Bad request");
    });
  }

  private async upgradeBrowser(req: http.IncomingMessage, socket: Duplex, head: Buffer) {
    const headers = headersOf(req);
    // A page on another site must not drive a console with this browser's cookie.
    checkSameOrigin(headers);
    const user = await socketSessionUser(req.headers.cookie);
    if (!user) throw new AppError("UNAUTHENTICATED", "Log in to open a console.");
    const ip = clientIp(headers);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onBrowser(ws, user.userId, ip));
  }

  private onBrowser(ws: WebSocket, userId: string, ip: string | null) {
    const helloTimer = setTimeout(() => ws.close(CONSOLE_CLOSE.refused, "no ticket"), HELLO_MS);
    ws.once("message", async (data) => {
      clearTimeout(helloTimer);
      const frame = browserFrame.safeParse(parseJson(data));
      if (!frame.success || frame.data.type !== "hello") return this.refuse(ws, "The first message must carry a console ticket.");
      try {
        const claim = await claimConsoleTicket({ ticket: frame.data.ticket, userId });
        this.startSession(claim.sessionId, ws, ip, { cols: frame.data.cols, rows: frame.data.rows });
      } catch (err) {
        if (err instanceof AppError) return this.refuse(ws, err.message);
        this.log(`ticket check failed: ${(err as Error).stack ?? err}`);
        return this.refuse(ws, "The console could not be opened. Try again.");
      }
    });
    ws.on("close", () => clearTimeout(helloTimer));
    ws.on("error", () => ws.terminate());
  }

  private refuse(ws: WebSocket, message: string) {
    send(ws, { type: "ended", reason: "refused", message });
    ws.close(CONSOLE_CLOSE.refused, "refused");
  }

  private startSession(id: string, browser: WebSocket, ip: string | null, size: Session["size"]) {
    const s: Session = { id, browser, agent: null, ip, size, idleTimer: null, dialTimer: null, ended: false };
    this.sessions.set(id, s);
    send(browser, { type: "status", state: "waiting" });
    // Until the agent dials in, the dial timeout runs; the idle timeout starts once the shell does.
    s.dialTimer = setTimeout(() => void this.end(s, "agent-unavailable"), AGENT_DIAL_SECONDS * 1000);
    browser.on("message", (data) => {
      const frame = browserFrame.safeParse(parseJson(data));
      if (!frame.success || frame.data.type === "hello") return;
      if (frame.data.type === "input") this.touch(s);
      else s.size = { cols: frame.data.cols, rows: frame.data.rows };
      // Passed on re-serialised from the parsed frame: nothing the browser adds reaches the host.
      const { type } = frame.data;
      send(s.agent, type === "input" ? { type, data: frame.data.data } : { type, cols: frame.data.cols, rows: frame.data.rows });
    });
    browser.on("close", () => void this.end(s, "closed"));
    // Closed while its ticket was being checked: the close event has already passed.
    if (browser.readyState !== browser.OPEN) void this.end(s, "closed");
  }

  /** A keystroke: the idle timeout starts again (output alone does not keep a session open). */
  private touch(s: Session) {
    if (s.idleTimer) clearTimeout(s.idleTimer);
    s.idleTimer = setTimeout(() => void this.end(s, "idle"), consoleConfig().CONSOLE_IDLE_SECONDS * 1000);
  }

  private async upgradeAgent(req: http.IncomingMessage, socket: Duplex, head: Buffer, id: string) {
    // Agents send no Origin; a browser page would, and is refused (as agentRoute does).
    checkSameOrigin(headersOf(req), { allowMissing: true });
    const host = await authenticateAgent(req.headers.authorization ?? null);
    const s = this.sessions.get(id);
    // The browser's socket is in another web process (or already gone): nothing to bridge here.
    if (!s || s.ended || s.agent) throw new AppError("NOT_FOUND", "That console session is not waiting on this server.");
    await attachConsoleAgent({ hostId: host.id, sessionId: id });
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onAgent(s, ws));
  }

  private onAgent(s: Session, agent: WebSocket) {
    if (s.ended) return agent.close(CONSOLE_CLOSE.ended, "ended");
    s.agent = agent;
    if (s.dialTimer) clearTimeout(s.dialTimer);
    this.touch(s);
    send(agent, { type: "resize", ...s.size });
    send(s.browser, { type: "status", state: "connected" });
    agent.on("message", (data) => {
      const frame = agentFrame.safeParse(parseJson(data));
      if (!frame.success) return;
      if (frame.data.type === "exit") void this.end(s, "exited");
      else send(s.browser, { type: "output", data: frame.data.data });
    });
    agent.on("close", () => void this.end(s, "agent-closed"));
    agent.on("error", () => agent.terminate());
  }

  /** Ends a session once: both sockets closed, the row ENDED, the audit row written. */
  async end(s: Session, reason: ConsoleEndReason) {
    if (s.ended) return;
    s.ended = true;
    this.sessions.delete(s.id);
    for (const t of [s.idleTimer, s.dialTimer]) if (t) clearTimeout(t);
    send(s.browser, { type: "ended", reason, message: `The console session ended: ${END_REASONS[reason]}.` });
    for (const ws of [s.browser, s.agent]) if (ws && ws.readyState <= ws.OPEN) ws.close(CONSOLE_CLOSE.ended, reason);
    try {
      await endConsoleSession({ sessionId: s.id, reason, ip: s.ip });
    } catch (err) {
      this.log(`could not record the end of session ${s.id}: ${(err as Error).message}`);
    }
  }

  private async stamp() {
    if (this.sessions.size === 0) return;
    try {
      const { close } = await stampOpenConsoles({ sessionIds: [...this.sessions.keys()] });
      for (const c of close) {
        const s = this.sessions.get(c.id);
        if (s) await this.end(s, c.reason);
      }
    } catch (err) {
      this.log(`stamping open sessions failed: ${(err as Error).message}`);
    }
  }

  /** Ends every session this process relays (the server is stopping). */
  async close() {
    clearInterval(this.stampTimer);
    await Promise.all([...this.sessions.values()].map((s) => this.end(s, "server-shutdown")));
    this.wss.close();
  }
}
