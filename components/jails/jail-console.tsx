"use client";
// The jail page's Console panel: a root shell in the jail, in an xterm.js terminal. The
// terminal's code (and its CSS) is loaded only when the customer opens the console.
//
// Opening: the server action hands out a one-time ticket (it checks the session, the jail's
// owner, the account, that the jail runs and the per-jail cap); the page opens a WebSocket to
// /api/console on its own origin and sends the ticket as its first frame; the relay answers
// "waiting" until the host's agent has dialled in, then "connected", then the shell's output.
// Every keystroke goes out as an `input` frame, every resize as a `resize` frame (the pty
// follows). An `ended` frame says why it ended (idle timeout, closed, refused…).
import { useCallback, useEffect, useRef, useState } from "react";
import type { ActionState } from "@/lib/actions/action-state";
import { Button, Spinner } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { CONSOLE_BROWSER_PATH, serverFrame } from "@/lib/schemas/console";

type Ticket = { ticket: string; expiresAt: string };
type Action = (prev: ActionState<Ticket> | undefined, formData: FormData) => Promise<ActionState<Ticket>>;
type Phase = "closed" | "connecting" | "waiting" | "connected" | "ended";
type TerminalHandle = { dispose(): void };

export function JailConsole({ jailId, action, disabledReason }: { jailId: string; action: Action; disabledReason?: string }) {
  const [phase, setPhase] = useState<Phase>("closed");
  const [ended, setEnded] = useState<{ reason: string; message: string } | null>(null);
  const screen = useRef<HTMLDivElement>(null);
  const handle = useRef<TerminalHandle | null>(null);

  const stop = useCallback(() => {
    handle.current?.dispose();
    handle.current = null;
  }, []);
  useEffect(() => stop, [stop]);

  const open = useCallback(async () => {
    stop();
    setEnded(null);
    setPhase("connecting");
    const fd = new FormData();
    fd.set("jailId", jailId);
    const res = await action(undefined, fd).catch((): ActionState<Ticket> => ({ error: "The console could not be opened. Try again." }));
    const ticket = res.data?.ticket;
    if (res.error || !ticket) {
      setEnded({ reason: "refused", message: res.error ?? "The console could not be opened." });
      setPhase("ended");
      return;
    }
    const { Terminal, FitAddon } = await import("./console-terminal");
    if (!screen.current) return;
    const term = new Terminal({ cursorBlink: true, fontSize: 14, convertEol: false, scrollback: 2000 });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(screen.current);
    fit.fit();
    const ws = new WebSocket(`${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${CONSOLE_BROWSER_PATH}`);
    const sendJson = (frame: object) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(frame));
    let finished = false;
    const finish = (reason: string, message: string) => {
      if (finished) return;
      finished = true;
      setEnded({ reason, message });
      setPhase("ended");
    };
    ws.onopen = () => sendJson({ type: "hello", ticket, cols: term.cols, rows: term.rows });
    ws.onmessage = (ev) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      const frame = serverFrame.safeParse(parsed);
      if (!frame.success) return;
      const f = frame.data;
      if (f.type === "status") {
        setPhase(f.state);
        if (f.state === "connected") term.focus();
      } else if (f.type === "output") term.write(f.data);
      else finish(f.reason, f.message);
    };
    ws.onclose = () => finish("closed", "The connection to the console closed.");
    const typing = term.onData((data) => sendJson({ type: "input", data }));
    const sizing = term.onResize(({ cols, rows }) => sendJson({ type: "resize", cols, rows }));
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(screen.current);
    handle.current = {
      dispose() {
        observer.disconnect();
        typing.dispose();
        sizing.dispose();
        if (ws.readyState <= WebSocket.OPEN) ws.close(1000);
        term.dispose();
      },
    };
  }, [action, jailId, stop]);

  const close = () => {
    stop();
    setEnded({ reason: "closed", message: "You closed the console." });
    setPhase("ended");
  };

  const busy = phase === "connecting" || phase === "waiting";
  return (
    <div className="space-y-3" data-testid="console">
      <div className="flex flex-wrap items-center gap-3">
        {phase === "closed" && (
          <Button onClick={() => void open()} disabled={Boolean(disabledReason)} title={disabledReason}>
            Open console
          </Button>
        )}
        {phase === "ended" && (
          <Button onClick={() => void open()} disabled={Boolean(disabledReason)} title={disabledReason}>
            Reconnect
          </Button>
        )}
        {(busy || phase === "connected") && (
          <Button variant="secondary" onClick={close}>
            Close console
          </Button>
        )}
        <span className="flex items-center gap-2 text-sm text-zinc-600" data-testid="console-state" data-phase={phase}>
          {busy && <Spinner />}
          {PHASE_TEXT[phase]}
        </span>
      </div>
      {disabledReason && phase === "closed" && <p className="text-sm text-zinc-600">{disabledReason}</p>}
      {ended && (
        <Alert tone={ended.reason === "refused" ? "error" : "info"}>
          <span data-testid="console-ended" data-reason={ended.reason}>
            {ended.message}
          </span>
        </Alert>
      )}
      <div
        ref={screen}
        hidden={phase === "closed"}
        className="h-96 w-full overflow-hidden rounded-md bg-black p-2"
        data-testid="console-screen"
        aria-label="Console"
      />
    </div>
  );
}

const PHASE_TEXT: Record<Phase, string> = {
  closed: "",
  connecting: "Connecting…",
  waiting: "Waiting for the host…",
  connected: "Connected",
  ended: "Ended",
};
