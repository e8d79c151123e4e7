// The steps of building an LXC jail that touch the host beyond the container's config: the
// files seeded into a brand-new rootfs, its SSH host key, and the bridge its veth joins.
import path from "node:path";
import type { JailSpec } from "@/lib/schemas/jobs";
import type { Runner } from "../../exec";
import { readFileIfExists, type DriverFs } from "../driver-fs";
import { lxcJailPaths } from "./paths";

export type LxcHost = { run: Runner["run"]; fs: DriverFs; lxcPath: string };

/**
 * Writes the jail's first files into its brand-new rootfs from the host: /etc/hostname, root's
 * authorized_keys and, when the job carries one, root's password hash in /etc/shadow. For a real
 * OS also /etc/hosts; for busybox an rcS without a DHCP client, and for the web-stack template
 * an httpd on 8080. Only for a rootfs nothing has run in yet: later a tenant's symlink could
 * redirect host writes (afterwards the driver writes from inside, with lxc-attach).
 */
export async function seedRootfs(
  host: LxcHost,
  spec: JailSpec,
  { keys, realOs, passwordHash = null, now }: { keys: string[]; realOs: boolean; passwordHash?: string | null; now: number },
): Promise<void> {
  const { fs } = host;
  const { rootfs } = lxcJailPaths(host.lxcPath, spec.name);
  await fs.writeFile(path.join(rootfs, "etc", "hostname"), `${spec.hostname}\n`);
  if (realOs) {
    const short = spec.hostname.split(".")[0]!;
    await fs.writeFile(
      path.join(rootfs, "etc", "hosts"),
      `127.0.0.1\tlocalhost\n127.0.1.1\t${spec.hostname} ${short}\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n`,
    );
  } else {
    // The host sets the address (lxc.net.0.ipv4.*); the template's DHCP client would remove it
    // and hold up init, so boot without one.
    await fs.writeFile(path.join(rootfs, "etc", "init.d", "rcS"), "#!/bin/sh\n/bin/syslogd\n/bin/mount -a\n", { mode: 0o755 });
  }
  await fs.mkdir(path.join(rootfs, "root", ".ssh"), { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(rootfs, "root", ".ssh", "authorized_keys"), keys.map((k) => `${k}\n`).join(""), { mode: 0o600 });
  if (passwordHash) {
    const shadow = path.join(rootfs, "etc", "shadow");
    await fs.writeFile(shadow, withRootPassword((await readFileIfExists(fs, shadow)) ?? "", passwordHash, now), { mode: 0o600 });
  }
  if (spec.template.slug === "web-stack") {
    // The web template: busybox httpd answering on 8080, started by init.
    await fs.mkdir(path.join(rootfs, "var", "www"), { recursive: true });
    await fs.writeFile(path.join(rootfs, "var", "www", "index.html"), `<h1>${spec.hostname}</h1><p>Served from your Cellblock jail.</p>\n`);
    const inittab = path.join(rootfs, "etc", "inittab");
    const current = (await readFileIfExists(fs, inittab)) ?? "";
    await fs.writeFile(inittab, `${current}::respawn:/bin/httpd -f -p 8080 -h /var/www\n`);
  }
}

/**
 * /etc/shadow's text with root's line replaced by one carrying `hash` (shadow(5): the date of
 * the last change in days since 1970-01-01, then the usual ageing fields); the other lines kept.
 */
export function withRootPassword(shadow: string, hash: string, now: number): string {
  const days = Math.floor(now / 86_400_000);
  const others = shadow.split("\n").filter((l) => l.trim() && !l.startsWith("root:"));
  return [`root:${hash}:${days}:0:99999:7:::`, ...others].join("\n") + "\n";
}

/**
 * The jail's ed25519 host key fingerprint (`ssh-keygen -l -f`, ssh-keygen(1): `bits SHA256:… comment
 * (TYPE)`), generating the key first if the rootfs has none, so the panel can show it before
 * the customer's first login. Null when ssh-keygen is not available.
 */
export async function hostKeyFingerprint(host: LxcHost, name: string): Promise<string | null> {
  const pub = path.join(lxcJailPaths(host.lxcPath, name).rootfs, "etc", "ssh", "ssh_host_ed25519_key.pub");
  try {
    if (!(await host.fs.exists(pub))) {
      await host.fs.mkdir(path.dirname(pub), { recursive: true });
      await host.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", `root@${name}`, "-f", pub.slice(0, -4)], { timeoutMs: 15_000 });
    }
    const out = (await host.run(["ssh-keygen", "-l", "-f", pub], { timeoutMs: 15_000 })).stdout;
    return /(SHA256:\S+)/.exec(out)?.[1] ?? null;
  } catch {
    return null; // no ssh-keygen on this host: the panel simply shows no fingerprint
  }
}

/**
 * Makes sure `bridge` exists, carries `gateway/prefix` and is up (ip-link(8), ip-address(8):
 * `ip -o addr show dev X` exits 1 when X does not exist; `ip addr add` exits 2 when the address
 * is already there).
 */
export async function ensureBridge(
  host: LxcHost,
  bridge: string,
  gateway: string,
  prefix: number,
  ipv6: { gateway: string; prefixLength: number } | null = null,
): Promise<void> {
  const show = await host.run(["ip", "-o", "addr", "show", "dev", bridge], { okCodes: [1], timeoutMs: 10_000 });
  if (show.code !== 0) await host.run(["ip", "link", "add", bridge, "type", "bridge"], { timeoutMs: 10_000 });
  if (!show.stdout.includes(` ${gateway}/${prefix} `)) {
    await host.run(["ip", "addr", "add", `${gateway}/${prefix}`, "dev", bridge], { okCodes: [2], timeoutMs: 10_000 });
  }
  // The host's own address in the jails' IPv6 prefix (…::1): the jails' gateway, and the route
  // to the prefix. nodad: the host owns it, and waiting a second for duplicate detection would
  // only delay the first jail.
  if (ipv6 && !show.stdout.includes(` ${ipv6.gateway}/${ipv6.prefixLength} `)) {
    await host.run(["ip", "-6", "addr", "add", `${ipv6.gateway}/${ipv6.prefixLength}`, "dev", bridge, "nodad"], {
      okCodes: [2],
      timeoutMs: 10_000,
    });
  }
  await host.run(["ip", "link", "set", bridge, "up"], { timeoutMs: 10_000 });
}

/**
 * Whether something in the jail listens on TCP port 22, from the jail's own view of its sockets
 * (/proc/<pid>/net/tcp and tcp6 of a process inside it, proc(5): local address as hex
 * ADDR:PORT, state 0A = LISTEN). Read on the host: the kernel's table, nothing the tenant wrote.
 */
export async function sshdListening(fs: DriverFs, initPid: number): Promise<boolean> {
  for (const file of ["tcp", "tcp6"]) {
    const text = (await readFileIfExists(fs, `/proc/${initPid}/net/${file}`)) ?? "";
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (local?.endsWith(":0016") && state === "0A") return true;
    }
  }
  return false;
}

/**
 * The fingerprint of the ed25519 host key the jail's sshd presents: the public key read from
 * inside the jail (lxc-attach, so a tenant's symlink resolves in the jail, not on the host),
 * fingerprinted on the host (`ssh-keygen -l -f -` reads it from stdin). Null when it has none.
 */
export async function presentedHostKeyFingerprint(host: LxcHost, name: string): Promise<string | null> {
  const pub = await host.run(["lxc-attach", "-n", name, "--", "/bin/cat", "/etc/ssh/ssh_host_ed25519_key.pub"], {
    timeoutMs: 15_000,
    okCodes: [1],
  });
  if (pub.code !== 0 || !pub.stdout.startsWith("ssh-ed25519 ")) return null;
  const out = await host.run(["ssh-keygen", "-l", "-f", "-"], { input: pub.stdout, timeoutMs: 15_000 });
  return /(SHA256:\S+)/.exec(out.stdout)?.[1] ?? null;
}
