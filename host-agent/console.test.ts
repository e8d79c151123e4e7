// The agent's console bridge against a real WebSocket server on 127.0.0.1 and a real pty
// (@lydell/node-pty) running /bin/sh in place of the driver's console argv: what the agent
// sends on dialling, how input, resize and output travel, what the shell's environment holds,
// and that the shell ends with the socket.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import type { AgentApi } from "./api-client";
import type { Driver } from "./drivers/driver";
import { ConsoleBridge, closeInheritedDescriptors, consoleSocketUrl, outputFrames } from "./console";
import { agentFrame } from "@/lib/schemas/console";

describe("console frames and URLs", () => {
  it("dials ws:// for an http control plane and wss:// for https, on the session's path", () => {
    expect(consoleSocketUrl("http://127.0.0.1:3000", "abc")).toBe("ws://127.0.0.1:3000/api/agent/console/abc");
    expect(consoleSocketUrl("https://panel.example/", "abc")).toBe("wss://panel.example/api/agent/console/abc");
  });

  it("splits long output into frames the relay accepts, losing nothing", () => {
    const data = "\u001b[1m".repeat(5000) + "é".repeat(9000);
    const frames = outputFrames(data);
    expect(frames.length).toBeGreaterThan(1);
    const parsed = frames.map((f) => agentFrame.parse(JSON.parse(f)));
    expect(parsed.map((p) => (p.type === "output" ? p.data : "")).join("")).toBe(data);
    for (const f of frames) expect(Buffer.byteLength(f)).toBeLessThanOrEqual(64 * 1024);
  });
});

describe("ConsoleBridge.attach", () => {
  let server: http.Server | null = null;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it("dials out with the host's secret, bridges a pty both ways, gives the shell no agent environment, and ends it with the socket", async () => {
    process.env.CB_CONSOLE_TEST_SECRET = "leaked-if-you-see-this";
    const wss = new WebSocketServer({ noServer: true });
    const seen: { path?: string; auth?: string } = {};
    const socket = new Promise<WebSocket>((resolve) => {
      server = http.createServer();
      server.on("upgrade", (req, s, head) => {
        seen.path = req.url;
        seen.auth = req.headers.authorization;
        wss.handleUpgrade(req, s, head, resolve);
      });
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    const driver = { consoleArgv: async (name: string) => (name === "cbjail0001" ? ["/bin/sh"] : []) } as unknown as Driver;
    const lines: string[] = [];
    const bridge = new ConsoleBridge({ url, secret: "s3cret-token-of-this-host", api: {} as AgentApi, driver, log: (l) => lines.push(l) });
    const done = bridge.attach("sess01", "cbjail0001");

    const ws = await socket;
    expect(seen).toEqual({ path: "/api/agent/console/sess01", auth: "Bearer s3cret-token-of-this-host" });
    let output = "";
    const frames: unknown[] = [];
    ws.on("message", (d) => {
      const f = agentFrame.parse(JSON.parse(d.toString()));
      frames.push(f);
      if (f.type === "output") output += f.data;
    });
    ws.send(JSON.stringify({ type: "resize", cols: 100, rows: 30 }));
    const until = async (re: RegExp) => {
      for (let i = 0; i < 200 && !re.test(output); i++) await new Promise((r) => setTimeout(r, 50));
      expect(output).toMatch(re);
    };
    ws.send(JSON.stringify({ type: "input", data: "stty size; echo marker-$((40+2))\n" }));
    await until(/marker-42/);
    expect(output).toMatch(/30 100/);
    ws.send(JSON.stringify({ type: "input", data: "env; echo env-done-$((1+1))\n" }));
    await until(/env-done-2/);
    expect(output).toContain("TERM=xterm-256color");
    expect(output).not.toContain("leaked-if-you-see-this");
    expect(output).not.toContain("s3cret-token-of-this-host");
    // A frame the agent does not know is dropped; the shell carries on.
    ws.send("not json");
    ws.send(JSON.stringify({ type: "exec", argv: ["/bin/false"] }));
    ws.send(JSON.stringify({ type: "input", data: "exit 3\n" }));
    await done;
    expect(frames.at(-1)).toEqual({ type: "exit", code: 3 });
    expect(lines.some((l) => l.includes("stty"))).toBe(false); // keystrokes are never logged
  });

  it("tells the browser why when the console cannot start, and ends", async () => {
    const wss = new WebSocketServer({ noServer: true });
    const socket = new Promise<WebSocket>((resolve) => {
      server = http.createServer();
      server.on("upgrade", (req, s, head) => wss.handleUpgrade(req, s, head, resolve));
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    const driver = {
      consoleArgv: async () => {
        throw new Error("The jail must be running to open a console. Start it and try again.");
      },
    } as unknown as Driver;
    const bridge = new ConsoleBridge({ url, secret: "s3cret-token-of-this-host", api: {} as AgentApi, driver, log: () => {} });
    const done = bridge.attach("sess02", "cbjail0002");
    const ws = await socket;
    const frames: Array<{ type: string; data?: string }> = [];
    ws.on("message", (d) => frames.push(JSON.parse(d.toString())));
    await done;
    expect(frames.map((f) => f.data ?? "").join("")).toContain("must be running to open a console");
    expect(frames.at(-1)).toEqual({ type: "exit", code: null });
  });
});

describe("closeInheritedDescriptors", () => {
  it.runIf(process.platform === "linux")(
    "closes exactly the descriptors a process inherited without close-on-exec, keeping its own and stdio",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cb-fds-"));
      const script = path.join(dir, "child.mts"); // an ES module wherever the temp directory is
      fs.writeFileSync(
        script,
        `import fs from "node:fs";
const { closeInheritedDescriptors } = await import(${JSON.stringify(path.resolve("host-agent/console.ts"))});
const own = fs.openSync(${JSON.stringify(path.join(dir, "own"))}, "w");
const closed = closeInheritedDescriptors();
const open = fs.readdirSync("/proc/self/fd").map(Number);
console.log(JSON.stringify({ closed, own, open }));
`,
      );
      // Node marks the inherited descriptors from 0 up to the first gap past 15 close-on-exec at
      // start (libuv's uv_disable_stdio_inheritance), so a careless parent's descriptor that
      // reaches a shell is a high one after a gap: descriptor 40 here. Descriptor 3 is inherited
      // too, and left alone (Node already made it close-on-exec).
      const stdio = ["ignore", "pipe", "inherit", "pipe", ...Array<"ignore">(36).fill("ignore"), "pipe"] as const;
      const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: process.cwd(), stdio: [...stdio] });
      let out = "";
      child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
      await new Promise((r) => child.on("exit", r));
      fs.rmSync(dir, { recursive: true, force: true });
      const result = JSON.parse(out.trim().split("\n").at(-1)!) as { closed: number[]; own: number; open: number[] };
      // 40, and whatever this test's own parents leaked the same way (this machine's job runner
      // leaks a 251); never stdio, never 3, never the child's own.
      expect(result.closed).toContain(40);
      expect(result.closed.filter((fd) => fd <= 3 || fd === result.own)).toEqual([]);
      expect(result.open).not.toContain(40);
      expect(result.open).toEqual(expect.arrayContaining([0, 1, 2, 3, result.own]));
    },
  );

  it("closes nothing where it cannot tell", () => {
    expect(closeInheritedDescriptors("/nonexistent/fdinfo")).toBeNull();
  });
});
