// The browser console's WebSocket messages, one JSON object per text frame, shared by the
// browser (components/jails/jail-console.tsx), the relay (lib/server/console-gateway.ts) and the
// agent (host-agent/console.ts). The relay parses every frame from either side with these before
// passing it on; a frame that does not parse ends nothing, it is dropped.
import { z } from "zod";

/** Largest frame either side may send, in bytes (the relay's `maxPayload`). */
export const CONSOLE_MAX_FRAME_BYTES = 64 * 1024;
/** A terminal's size; xterm.js and a pty both count in character cells. */
export const terminalSize = z.object({ cols: z.number().int().min(2).max(500), rows: z.number().int().min(1).max(200) });

/** Browser → relay. `hello` must be the first frame and carries the one-time ticket. */
export const browserFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello"), ticket: z.string().max(100), ...terminalSize.shape }),
  z.object({ type: z.literal("input"), data: z.string().max(16 * 1024) }),
  z.object({ type: z.literal("resize"), ...terminalSize.shape }),
]);

/** Relay → agent: what the browser typed and how big its terminal is. */
export const agentInboundFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("input"), data: z.string().max(16 * 1024) }),
  z.object({ type: z.literal("resize"), ...terminalSize.shape }),
]);

/** Agent → relay: the pty's output, and the shell's exit. */
export const agentFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("output"), data: z.string().max(CONSOLE_MAX_FRAME_BYTES) }),
  z.object({ type: z.literal("exit"), code: z.number().int().nullable() }),
]);

/** Relay → browser. */
export const serverFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("status"), state: z.enum(["waiting", "connected"]) }),
  z.object({ type: z.literal("output"), data: z.string() }),
  z.object({ type: z.literal("ended"), reason: z.string(), message: z.string() }),
]);
export type ServerFrame = z.infer<typeof serverFrame>;

/** The agent's long poll for sessions to dial in for (POST /api/agent/consoles). */
export const consolesRequest = z.object({ waitSeconds: z.number().min(0).max(30).default(25) });
export const consolesResponse = z.object({ sessions: z.array(z.object({ id: z.string().max(64), jail: z.string().max(64) })) });

/** WebSocket close codes of the console (RFC 6455 §7.4.2: 4000–4999 are the application's). */
export const CONSOLE_CLOSE = { ended: 4000, refused: 4403 } as const;

/** The browser's WebSocket path, and the agent's for session `id`. */
export const CONSOLE_BROWSER_PATH = "/api/console";
export const consoleAgentPath = (id: string) => `/api/agent/console/${encodeURIComponent(id)}`;
