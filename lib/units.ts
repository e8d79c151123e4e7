// Units, named as the field names them. Storage and transfer in Cellblock are binary: the plans'
// "MB" and "GB" (diskQuotaMb, bandwidthGb) are MiB and GiB, as df(1), zfs(8) and the cgroup
// files count them. One definition each; number forms for arithmetic on sizes that fit in a
// double, bigint forms for byte counters that may not.

/** 1 MiB = 2^20 bytes (what a plan's "MB" means). */
export const BYTES_PER_MIB = 1_048_576;
/** 1 GiB = 2^30 bytes (what a plan's "GB" means, for disk and transfer alike). */
export const BYTES_PER_GIB = 1_073_741_824;
export const BYTES_PER_MIB_BIG = 1_048_576n;
export const BYTES_PER_GIB_BIG = 1_073_741_824n;

export const MS_PER_SECOND = 1000;
export const MS_PER_HOUR = 3_600_000;
/** A UTC day (no leap seconds: JavaScript time has none). */
export const MS_PER_DAY = 86_400_000;

/** MiB → bytes, as a bigint (limits compared with bigint counters). */
export function mibToBytes(mib: number): bigint {
  return BigInt(mib) * BYTES_PER_MIB_BIG;
}

/** GiB → bytes, as a bigint. */
export function gibToBytes(gib: number): bigint {
  return BigInt(gib) * BYTES_PER_GIB_BIG;
}
