import { Badge, type BadgeTone } from "@/components/ui/badge";

const TYPES: Record<string, string> = {
  CREATE: "Create",
  START: "Start",
  STOP: "Stop",
  RESTART: "Restart",
  REINSTALL: "Reinstall",
  DESTROY: "Cancel (destroy)",
  SET_LIMITS: "Change plan limits",
  SET_PASSWORD: "Set root password",
  SET_SSH_KEYS: "Update SSH keys",
  SNAPSHOT: "Snapshot",
  MIGRATE_OUT: "Move out",
  MIGRATE_IN: "Move in",
  BUILD_TEMPLATE: "Build template",
};
// One wording and one colour per job status, for customers and staff alike.
const STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  QUEUED: { label: "Queued", tone: "blue" },
  RUNNING: { label: "In progress", tone: "yellow" },
  SUCCEEDED: { label: "Done", tone: "green" },
  FAILED: { label: "Failed", tone: "red" },
  CANCELLED: { label: "Called off", tone: "gray" },
};

export function JobTypeLabel({ type }: { type: string }) {
  return <span className="font-medium text-zinc-900">{TYPES[type] ?? type}</span>;
}

export function JobStatusBadge({ status }: { status: string }) {
  const s = STATUS[status] ?? { label: status, tone: "neutral" as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}
