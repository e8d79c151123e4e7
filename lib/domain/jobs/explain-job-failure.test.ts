import { describe, expect, it } from "vitest";
import { explainJobFailure } from "./explain-job-failure";

describe("explainJobFailure", () => {
  it.each([
    // The retried create of the real-jail issue: lxc's own words never reach the customer.
    [
      "CREATE",
      "lxc-create -n cbk3x9 -t busybox exited with 1: lxc_create.c: main: 264 Container already exists",
      /left over from an earlier attempt/,
    ],
    ["CREATE", "The host could not prepare the template: mmdebstrap exited with 1", /could not prepare the jail's operating system/],
    ["SET_SSH_KEYS", "dd: error writing '/root/.ssh/authorized_keys': No space left on device", /disk is full.*updating the SSH keys/],
    ["SET_PASSWORD", "The jail must be running to set the root password. Start it and try again.", /must be running/],
    ["START", "lxc-wait timed out after 40000 ms", /took too long starting the jail/],
    ["REINSTALL", "The host agent stopped reporting on this job 5 times; giving up.", /took too long reinstalling/],
    ["RESTART", "exit status 137", /Something went wrong on the host while restarting the jail/],
    ["STOP", null, /Something went wrong on the host while stopping the jail/],
  ] as const)("%s: %s", (type, error, expected) => {
    const text = explainJobFailure({ type, error });
    expect(text).toMatch(expected);
    // Nothing of the raw report leaks: no command names, paths, exit codes.
    for (const raw of ["lxc-", "lxc_create", "mmdebstrap", "/root/", "137", "dd:"]) expect(text).not.toContain(raw);
  });
});
