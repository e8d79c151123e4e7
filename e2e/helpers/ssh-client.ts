// A customer's terminal on this machine: ssh with a key or a password to the address the jail
// page shows. Only ever to loopback addresses and the project's own jails (the network rule):
// the local host's public pool is a loopback range NAT'd to the jails, its IPv6 prefix a ULA on
// the jails' bridge.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Refuses any address that is not loopback or the local host's ULA prefix. */
function assertLocal(address: string) {
  if (!/^127\./.test(address) && !/^fd0c:b10c:ce11:/i.test(address)) {
    throw new Error(`refusing to connect to ${address}: tests reach only loopback and the project's own jails`);
  }
}

export type SshClient = { dir: string; key: string; publicKey: string; knownHosts: string };

/** A key pair and an empty known_hosts, in a directory of their own. */
export async function sshClient(): Promise<SshClient> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cb-e2e-ssh-"));
  const key = path.join(dir, "id_ed25519");
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "customer@e2e", "-f", key]);
  return { dir, key, publicKey: fs.readFileSync(`${key}.pub`, "utf8").trim(), knownHosts: path.join(dir, "known_hosts") };
}

const common = (c: SshClient) => [
  "-o",
  "StrictHostKeyChecking=accept-new",
  "-o",
  `UserKnownHostsFile=${c.knownHosts}`,
  "-o",
  "ConnectTimeout=10",
  "-o",
  "LogLevel=ERROR",
];

/** `ssh -i key root@address command…` — by key only. */
export async function sshWithKey(c: SshClient, address: string, ...command: string[]) {
  assertLocal(address);
  return run("ssh", [...common(c), "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", c.key, `root@${address}`, ...command], {
    timeout: 60_000,
  });
}

/** The same with a password (sshpass gives it to ssh; no key is offered). */
export async function sshWithPassword(c: SshClient, address: string, password: string, ...command: string[]) {
  assertLocal(address);
  return run(
    "sshpass",
    [
      "-e",
      "ssh",
      ...common(c),
      "-o",
      "PubkeyAuthentication=no",
      "-o",
      "PreferredAuthentications=password",
      "-o",
      "NumberOfPasswordPrompts=1",
      `root@${address}`,
      ...command,
    ],
    { timeout: 60_000, env: { ...process.env, SSHPASS: password } },
  );
}

/** The SHA256 fingerprints of the host keys ssh recorded for `address` (what ssh saw when it connected). */
export async function seenFingerprints(c: SshClient, address: string): Promise<string[]> {
  const { stdout } = await run("ssh-keygen", ["-l", "-F", address, "-f", c.knownHosts]);
  return [...stdout.matchAll(/SHA256:\S+/g)].map((m) => m[0]);
}

export function removeClient(c: SshClient) {
  fs.rmSync(c.dir, { recursive: true, force: true });
}
