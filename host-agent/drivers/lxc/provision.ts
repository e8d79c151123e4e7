// The steps of building an LXC jail that touch the host beyond the container's config: the
// files seeded into a brand-new rootfs, its SSH host key, and the bridge its veth joins.
import path from "node:path";
import type { JailSpec } from "@/lib/schemas/jobs";
import type { Runner } from "../../exec";
import { readFileIfExists, type DriverFs } from "../driver-fs";

export type LxcHost = { run: Runner["run"]; fs: DriverFs; lxcPath: string };

/**
 * Writes the jail's first files into its brand-new rootfs from the host: /etc/hostname, an rcS
 * without a DHCP client, root's authorized_keys, and for the web-stack template an httpd on 8080.
 * Only for a rootfs nothing has run in yet: later a tenant's symlink could redirect host writes.
 */
export async function seedRootfs(host: LxcHost, spec: JailSpec, keys: string[]): Promise<void> {
  const { fs } = host;
  const rootfs = path.join(host.lxcPath, spec.name, "rootfs");
  await fs.writeFile(path.join(rootfs, "etc", "hostname"), `${spec.hostname}\n`);
  // The host sets the address (lxc.net.0.ipv4.*); the template's DHCP client would remove it
  // and hold up init, so boot without one.
  await fs.writeFile(path.join(rootfs, "etc", "init.d", "rcS"), "#!/bin/sh\n/bin/syslogd\n/bin/mount -a\n", { mode: 0o755 });
  await fs.mkdir(path.join(rootfs, "root", ".ssh"), { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(rootfs, "root", ".ssh", "authorized_keys"), keys.map((k) => `${k}\n`).join(""), { mode: 0o600 });
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
 * The jail's ed25519 host key fingerprint (`ssh-keygen -l -f`, ssh-keygen(1): `bits SHA256:… comment
 * (TYPE)`), generating the key first if the rootfs has none, so the panel can show it before
 * the customer's first login. Null when ssh-keygen is not available.
 */
export async function hostKeyFingerprint(host: LxcHost, name: string): Promise<string | null> {
  const pub = path.join(host.lxcPath, name, "rootfs", "etc", "ssh", "ssh_host_ed25519_key.pub");
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
export async function ensureBridge(host: LxcHost, bridge: string, gateway: string, prefix: number): Promise<void> {
  const show = await host.run(["ip", "-o", "addr", "show", "dev", bridge], { okCodes: [1], timeoutMs: 10_000 });
  if (show.code !== 0) await host.run(["ip", "link", "add", bridge, "type", "bridge"], { timeoutMs: 10_000 });
  if (!show.stdout.includes(` ${gateway}/${prefix} `)) {
    await host.run(["ip", "addr", "add", `${gateway}/${prefix}`, "dev", bridge], { okCodes: [2], timeoutMs: 10_000 });
  }
  await host.run(["ip", "link", "set", bridge, "up"], { timeoutMs: 10_000 });
}
