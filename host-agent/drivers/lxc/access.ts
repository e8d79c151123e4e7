// Root's password and SSH keys in a running lxc jail, written from inside its namespaces
// (lxc-attach(1)), so a symlink the tenant planted in /root or /etc resolves inside the jail,
// never on the host. Secrets travel on stdin, never on a command line.
import { jailName } from "@/lib/schemas/net";
import { requireJail, type Driver } from "../driver";
import type { LxcHost } from "./provision";
import { withRootPassword } from "./provision";

type AccessHost = LxcHost & { driver: Pick<Driver, "inspect"> };

const attach = (name: string, argv: string[]) => ["lxc-attach", "-n", name, "--", ...argv];

/**
 * Replaces root's line in the jail's /etc/shadow with one carrying `hash` (a crypt(3) string,
 * already validated by the caller), dated `nowMs` (shadow(5) "last changed").
 * @throws NotFoundError for an unknown jail; PreconditionError when it is not running.
 */
export async function writeRootPassword(host: AccessHost, rawName: string, hash: string, nowMs: number): Promise<void> {
  const name = jailName.parse(rawName);
  await requireJail(host.driver, name, { runningTo: "set the root password" });
  const current = (await host.run(attach(name, ["/bin/cat", "/etc/shadow"]), { timeoutMs: 15_000 })).stdout;
  await host.run(attach(name, ["/bin/dd", "of=/etc/shadow", "status=none"]), {
    input: withRootPassword(current, hash, nowMs),
    timeoutMs: 15_000,
  });
  await host.run(attach(name, ["/bin/chmod", "600", "/etc/shadow"]), { timeoutMs: 15_000 });
}

/**
 * Writes `keys` (OpenSSH public keys, one per line, validated by the caller) as root's
 * authorized_keys, replacing what was there.
 * @throws NotFoundError for an unknown jail; PreconditionError when it is not running.
 */
export async function writeAuthorizedKeys(host: AccessHost, rawName: string, keys: string[]): Promise<void> {
  const name = jailName.parse(rawName);
  await requireJail(host.driver, name, { runningTo: "change SSH keys" });
  await host.run(attach(name, ["/bin/mkdir", "-p", "-m", "700", "/root/.ssh"]), { timeoutMs: 15_000 });
  await host.run(attach(name, ["/bin/dd", "of=/root/.ssh/authorized_keys", "status=none"]), {
    input: keys.map((k) => `${k}\n`).join(""),
    timeoutMs: 15_000,
  });
  await host.run(attach(name, ["/bin/chmod", "600", "/root/.ssh/authorized_keys"]), { timeoutMs: 15_000 });
}
