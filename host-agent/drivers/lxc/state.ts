// What the lxc driver must remember per jail beyond LXC's own config, for the steps the kernel
// forgets on a reboot and the agent forgets on a restart: the disk image to mount before the
// container starts, and the addresses its NAT rules and bridge need. Kept beside the container
// config (`<lxcPath>/<name>/cellblock.json`, outside the jail's root, so a tenant cannot touch
// it), written whole and atomically (DriverFs.writeFile), parsed with zod when read.
import path from "node:path";
import { z } from "zod";
import { ipv4, ipv6 } from "@/lib/schemas/net";
import { readFileIfExists, type DriverFs } from "../driver-fs";

export const jailState = z.object({
  /** The jail's root file system image (xfs), loop-mounted at `<lxcPath>/<name>/rootfs`; null for a jail made before images. */
  image: z.object({ path: z.string().startsWith("/"), fsType: z.literal("xfs") }).nullable(),
  /** The template runs a full OS with sshd (systemd, host keys made at first boot), not busybox. */
  realOs: z.boolean(),
  network: z.object({
    bridge: z.string().nullable(),
    privateIp: ipv4,
    privatePrefix: z.number().int().min(8).max(30),
    privateGateway: ipv4,
    publicIp: ipv4.nullable(),
    ipv6: ipv6.nullable(),
    ipv6PrefixLength: z.number().int().nullable(),
    ipv6Gateway: ipv6.nullable(),
  }),
});
export type JailState = z.infer<typeof jailState>;

export const stateFile = (lxcPath: string, name: string) => path.join(lxcPath, name, "cellblock.json");

/** The jail's record, or null when it has none (made by an older agent) or it does not parse. */
export async function readJailState(fs: DriverFs, lxcPath: string, name: string): Promise<JailState | null> {
  const text = await readFileIfExists(fs, stateFile(lxcPath, name));
  if (text === null) return null;
  try {
    return jailState.parse(JSON.parse(text));
  } catch {
    return null;
  }
}

export async function writeJailState(fs: DriverFs, lxcPath: string, name: string, state: JailState): Promise<void> {
  await fs.writeFile(stateFile(lxcPath, name), JSON.stringify(jailState.parse(state), null, 2) + "\n", { mode: 0o600 });
}
