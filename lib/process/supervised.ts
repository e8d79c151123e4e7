// For the processes `npm start` and `npm test` launch (web server, worker, local agent): end when
// the launcher ends, however it ends — a SIGKILLed launcher cannot stop its children, so each
// child holds the read end of a pipe (its stdin) from the launcher and exits when the pipe
// closes. And never spin on a closed output: a write to a stdout/stderr whose reader is gone
// raises EPIPE, and logging that error writes again — exit instead (an orphaned web server once
// ran at 60–100 % CPU for half an hour doing exactly that).

/**
 * Call once at start. `onParentGone` should stop gracefully; if it has not exited the process
 * within `graceMs`, it is forced to.
 */
export function superviseFromLauncher({
  launched,
  onParentGone,
  graceMs = 5000,
}: {
  /** Started by our launcher with a pipe on stdin (CELLBLOCK_SUPERVISED=1); false: run standalone. */
  launched: boolean;
  onParentGone: () => void | Promise<void>;
  graceMs?: number;
}): void {
  guardOutput();
  if (!launched) return;
  let gone = false;
  const leave = () => {
    if (gone) return;
    gone = true;
    setTimeout(() => process.exit(0), graceMs).unref();
    void Promise.resolve(onParentGone()).finally(() => process.exit(0));
  };
  process.stdin.on("end", leave);
  process.stdin.on("close", leave);
  process.stdin.on("error", leave);
  process.stdin.resume();
}

let guarded = false;
/** A broken stdout/stderr ends the process quietly instead of being logged (to itself) forever. */
export function guardOutput(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") process.exit(0);
    });
  }
}
