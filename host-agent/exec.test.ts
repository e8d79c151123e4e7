// The agent's one way to run a command (host-agent/exec.ts), against real processes: argv
// without a shell, exit codes, timeouts that hold even when the command has children, secrets
// on stdin (never on the command line, never in an error), and capped output.
import { describe, expect, it } from "vitest";
import { CommandError, systemRunner } from "./exec";

const run = systemRunner.run.bind(systemRunner);

async function failure(p: Promise<unknown>): Promise<CommandError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CommandError);
  return err as CommandError;
}

describe("systemRunner", () => {
  it("passes argv to the program as it is, with no shell in between", async () => {
    const r = await run(["/bin/echo", "$HOME; touch /tmp/should-not-exist && echo `id`"]);
    expect(r).toMatchObject({ code: 0, stdout: "$HOME; touch /tmp/should-not-exist && echo `id`\n", stderr: "" });
  });

  it("fails a non-zero exit with the command and the end of its stderr, unless the code is allowed", async () => {
    const err = await failure(run(["/bin/sh", "-c", "echo first >&2; echo 'no such container' >&2; exit 3"]));
    expect(err.result?.code).toBe(3);
    expect(err.timedOut).toBe(false);
    expect(err.message).toBe("/bin/sh -c echo first >&2; echo 'no such container' >&2; exit 3 exited with 3: first / no such container");
    const allowed = await run(["/bin/sh", "-c", "echo gone; exit 1"], { okCodes: [1] });
    expect(allowed).toMatchObject({ code: 1, stdout: "gone\n" });
  });

  it("refuses an empty argv or a NUL byte, and reports a program that does not exist", async () => {
    await expect(run([])).rejects.toThrow("invalid argv: []");
    await expect(run(["/bin/echo", "a\0b"])).rejects.toThrow(/^invalid argv/);
    const err = await failure(run(["/nonexistent/cellblock-tool", "x"]));
    expect(err.result).toBeNull();
    expect(err.message).toMatch(/^\/nonexistent\/cellblock-tool: spawn \/nonexistent\/cellblock-tool ENOENT/);
  });

  it("kills a command at its timeout and says so", async () => {
    const started = Date.now();
    const err = await failure(run(["sleep", "30"], { timeoutMs: 300 }));
    expect(err.timedOut).toBe(true);
    expect(err.message).toBe("sleep timed out after 300 ms");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("keeps its timeout when the command's own children hold its output open", async () => {
    // sh forks sleep, which inherits stdout: killing sh alone leaves the pipe open until sleep ends.
    const started = Date.now();
    const err = await failure(run(["/bin/sh", "-c", "sleep 30; echo late"], { timeoutMs: 300 }));
    expect(err.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("hands a secret to the command on stdin: not on its command line, not in its environment, not in an error", async () => {
    const secret = "$6$rounds=5000$notonargv$" + "x".repeat(40);
    // The command prints its own command line and environment, then what it read on stdin.
    const script = "tr '\\0' ' ' < /proc/$$/cmdline; echo; tr '\\0' '\\n' < /proc/$$/environ | grep -c . ; echo ---; cat";
    const r = await run(["/bin/sh", "-c", script], { input: secret });
    const [seen, fromStdin] = r.stdout.split("---\n");
    expect(seen).toContain("/bin/sh -c");
    expect(seen).not.toContain(secret);
    expect(fromStdin).toBe(secret);

    const err = await failure(run(["/bin/sh", "-c", "cat >/dev/null; echo refused >&2; exit 2"], { input: secret }));
    expect(err.message).not.toContain(secret);
    expect(err.outputTail).not.toContain(secret);
    expect(JSON.stringify(err.argv)).not.toContain(secret);
  });

  it("caps what it keeps of a command's output, and the tail a failure reports", async () => {
    const MiB = 1024 * 1024;
    const r = await run(["head", "-c", String(40 * MiB), "/dev/zero"], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThanOrEqual(4 * MiB - 1);
    expect(r.stdout.length).toBeLessThan(5 * MiB);

    const err = await failure(run(["/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' a; echo THE-END; exit 1"]));
    expect(err.outputTail).toHaveLength(4000);
    expect(err.outputTail.endsWith("THE-END\n")).toBe(true);
  });
});
