// Shared expectations of the lxc driver's unit tests (the argv of a disk made for a 10 GB plan,
// the managed config block, a progress recorder).
import { BYTES_PER_MIB } from "@/lib/units";
import type { ProgressReport } from "../driver";
import { MANAGED_BEGIN } from "./config-file";
import { CACHE, DEBIAN, IMAGE, NAME, ROOTFS, XFS_LOG } from "./fake-lxc";
import { templateKey } from "./templates";
export const INFO = `lxc-info -n ${NAME} -s -p`;
export const PUB = `${ROOTFS}/etc/ssh/ssh_host_ed25519_key.pub`;
export const DF = `df -B1 --output=size,used,avail,target ${ROOTFS}`;
export const GIB10 = 10240 * BYTES_PER_MIB;
export const ARCHIVE = `${CACHE}/${templateKey(DEBIAN, DEBIAN.lxcRootfs as never)}.tar`;
/** The disk made for a 10 GB plan: an image of the quota, xfs, mounted, grown by the log's share once. */
export const MAKE_DISK = [
  `truncate -s ${GIB10} ${IMAGE}`,
  `mkfs.xfs -q -f ${IMAGE}`,
  `mount -t xfs -o loop ${IMAGE} ${ROOTFS}`,
  DF,
  `truncate -s ${GIB10 + XFS_LOG} ${IMAGE}`,
  "losetup -c /dev/loop0",
  `xfs_growfs ${ROOTFS}`,
  DF,
];

/** The managed block's lines, and how often each key is set in the whole file. */
export function managed(text: string) {
  const block = text.slice(text.indexOf(MANAGED_BEGIN)).trim().split("\n").slice(1);
  const keys = text
    .split("\n")
    .filter((l) => /^lxc\.[a-z0-9_.]+\s*=/.test(l))
    .map((l) => l.split("=")[0]!.trim());
  const count = (key: string) => keys.filter((k) => k === key).length;
  return { block, count, blocks: text.split(MANAGED_BEGIN).length - 1 };
}

export function progressLog() {
  const reports: ProgressReport[] = [];
  return { reports, job: { progress: (r: ProgressReport) => reports.push(r) } };
}
