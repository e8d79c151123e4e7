// Display formatting shared by pages. Money is integer cents everywhere; format only here.

export function formatMoney(cents: number, currency = "USD"): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
}

/** A plan size in MiB, shown as the plans label it: "512 MB", "4 GB" (binary units, see lib/units.ts). */
export function formatMb(mb: number): string {
  if (mb >= 1024) return `${+(mb / 1024).toFixed(mb % 1024 === 0 ? 0 : 1)} GB`;
  return `${mb} MB`;
}

export function formatBytes(bytes: number | bigint): string {
  const n = Number(bytes);
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatDate(d: Date | string | null | undefined): string {
  if (!d) return "—";
  return new Date(d).toLocaleDateString("en-GB", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
}

export function formatDateTime(d: Date | string | null | undefined): string {
  if (!d) return "—";
  return (
    new Date(d).toLocaleString("en-GB", {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZone: "UTC",
    }) + " UTC"
  );
}

/** "3 min ago", "2 h ago" — for heartbeats and activity. */
export function formatAge(d: Date | string | null | undefined, now = new Date()): string {
  if (!d) return "never";
  const s = Math.round((now.getTime() - new Date(d).getTime()) / 1000);
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}
