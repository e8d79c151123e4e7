// The texts customers get about their usage. Plain text; the outbox shows them as written.
import { webConfig } from "@/lib/config/server";
import { formatDate } from "@/lib/format";
import { BYTES_PER_GIB } from "@/lib/units";

const kindLabel = { DISK: "disk space", BANDWIDTH: "monthly transfer" } as const;
const gb = (bytes: bigint) => (Number(bytes) / BYTES_PER_GIB).toFixed(1);

function portalUrl(path: string): string {
  return `${webConfig().APP_URL}${path}`;
}

export function overageOpenedMail(p: {
  to: string;
  hostname: string;
  kind: "DISK" | "BANDWIDTH";
  currentBytes: bigint;
  limitBytes: bigint;
  graceEndsAt: Date;
}) {
  const what = kindLabel[p.kind];
  return {
    to: p.to,
    kind: "overage-opened",
    subject: `Your jail ${p.hostname} is over its ${what} limit`,
    text:
      `Hello,\n\nYour jail ${p.hostname} is using ${gb(p.currentBytes)} GB of ${what}; its plan includes ${gb(p.limitBytes)} GB.\n\n` +
      (p.kind === "DISK"
        ? `You have until ${formatDate(p.graceEndsAt)} to bring it back under the limit, free of charge. ` +
          `If it is still over then, the excess may be charged on your next invoice at your plan's overage price.\n\n`
        : `If its transfer from now until ${formatDate(p.graceEndsAt)} stays within the monthly allowance, nothing is charged. ` +
          `Otherwise the excess may be charged on your next invoice at your plan's overage price.\n\n`) +
      `Your open cases: ${portalUrl("/invoices")}\n`,
  };
}

export function usageWarningMail(p: {
  to: string;
  hostname: string;
  kind: "DISK" | "BANDWIDTH";
  percent: number;
  currentBytes: bigint;
  limitBytes: bigint;
}) {
  const what = kindLabel[p.kind];
  return {
    to: p.to,
    kind: "usage-warning",
    subject: `Your jail ${p.hostname} has used ${p.percent}% of its ${what}`,
    text:
      `Hello,\n\nYour jail ${p.hostname} is at ${gb(p.currentBytes)} GB of its ${gb(p.limitBytes)} GB ${what} ` +
      `(${p.percent}% or more). Nothing is charged yet: above the limit you get a grace period to bring it back under.\n`,
  };
}

export function overageResolvedMail(p: { to: string; hostname: string; kind: "DISK" | "BANDWIDTH" }) {
  return {
    to: p.to,
    kind: "overage-resolved",
    subject: `Your jail ${p.hostname} is back within its ${kindLabel[p.kind]} limit`,
    text: `Hello,\n\nYour jail ${p.hostname} is back within its ${kindLabel[p.kind]} limit. The overage case is closed with no charge.\n`,
  };
}
