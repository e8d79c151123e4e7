// The one way the agent runs a command: an argv array, no shell, a timeout, output capped.
// Secrets go on stdin (`input`), never on argv, and `redact` keeps them out of the log line.
import { spawn } from "node:child_process";
import { BYTES_PER_MIB } from "@/lib/units";

export type ExecOptions = {
  timeoutMs?: number;
  input?: string;
  /** Non-zero exit codes that are not errors for this call (e.g. "not found" → 1). */
  okCodes?: number[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called with each chunk of stdout and stderr as it arrives (a long build's progress). */
  onOutput?: (chunk: string) => void;
  /** Aborting kills the command (SIGKILL): the job's lease was handed to another attempt. */
  signal?: AbortSignal;
};

export type ExecResult = { code: number; stdout: string; stderr: string; durationMs: number };

export class CommandError extends Error {
  constructor(
    readonly argv: string[],
    readonly result: ExecResult | null,
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = "CommandError";
  }
  /** The tail of the output, for a job's failure report. */
  get outputTail(): string {
    const out = `${this.result?.stdout ?? ""}${this.result?.stderr ?? ""}`;
    return out.slice(-4000);
  }
}

/** Runs commands; tests swap it for a recorder to assert the exact argv a driver issues. */
export interface Runner {
  run(argv: string[], opts?: ExecOptions): Promise<ExecResult>;
}

const MAX_OUTPUT = 4 * BYTES_PER_MIB;

export const systemRunner: Runner = {
  run(argv, opts = {}) {
    if (argv.length === 0 || argv.some((a) => typeof a !== "string" || a.includes("\0"))) {
      return Promise.reject(new Error(`invalid argv: ${JSON.stringify(argv)}`));
    }
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), {
        shell: false,
        stdio: ["pipe", "pipe", "pipe"],
        env: opts.env ?? process.env,
        cwd: opts.cwd,
      });
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      let aborted = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
        // A child of the command (sh → sleep, lxc-attach → its payload) may still hold the
        // pipes open; stop reading them so the caller gets its timeout now, not when that ends.
        child.stdout.destroy();
        child.stderr.destroy();
      }, opts.timeoutMs ?? 60_000);
      const abort = () => {
        aborted = true;
        child.kill("SIGKILL");
      };
      if (opts.signal?.aborted) abort();
      else opts.signal?.addEventListener("abort", abort, { once: true });
      child.stdout.on("data", (d: Buffer) => {
        if (stdout.length < MAX_OUTPUT) stdout += d.toString();
        opts.onOutput?.(d.toString());
      });
      child.stderr.on("data", (d: Buffer) => {
        if (stderr.length < MAX_OUTPUT) stderr += d.toString();
        opts.onOutput?.(d.toString());
      });
      child.on("error", (err) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener("abort", abort);
        reject(new CommandError(argv, null, `${argv[0]}: ${err.message}`));
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener("abort", abort);
        const result = { code: code ?? -1, stdout, stderr, durationMs: Date.now() - started };
        if (aborted) return reject(new CommandError(argv, result, `${argv[0]} was stopped: the job's lease was handed on`));
        if (timedOut) return reject(new CommandError(argv, result, `${argv[0]} timed out after ${opts.timeoutMs ?? 60_000} ms`, true));
        if (result.code !== 0 && !(opts.okCodes ?? []).includes(result.code)) {
          const why = (stderr || stdout).trim().split("\n").slice(-3).join(" / ");
          return reject(new CommandError(argv, result, `${argv.join(" ")} exited with ${result.code}${why ? `: ${why}` : ""}`));
        }
        resolve(result);
      });
      child.stdin.on("error", () => {}); // a command that exits without reading stdin
      child.stdin.end(opts.input ?? "");
    });
  },
};
