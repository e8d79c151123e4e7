import { Badge, type BadgeTone } from "@/components/ui/badge";

const tone: Record<string, BadgeTone> = { QUEUED: "blue", RUNNING: "yellow", SUCCEEDED: "green", FAILED: "red", CANCELLED: "gray" };

export function JobStatusBadge({ status }: { status: string }) {
  return <Badge tone={tone[status] ?? "neutral"}>{status.toLowerCase()}</Badge>;
}
