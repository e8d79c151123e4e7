import { Badge, type BadgeTone } from "@/components/ui/badge";

const STATES: Record<string, { label: string; tone: BadgeTone }> = {
  QUEUED: { label: "Queued", tone: "blue" },
  PROVISIONING: { label: "Provisioning", tone: "blue" },
  RUNNING: { label: "Running", tone: "green" },
  STOPPED: { label: "Stopped", tone: "gray" },
  FAILED: { label: "Failed", tone: "red" },
  DESTROYING: { label: "Cancelling", tone: "yellow" },
  DESTROYED: { label: "Destroyed", tone: "gray" },
};

export function JailStateBadge({ state }: { state: string }) {
  const s = STATES[state] ?? { label: state.toLowerCase(), tone: "neutral" as const };
  return (
    <Badge tone={s.tone} className="whitespace-nowrap">
      <span data-testid="jail-state" data-state={state}>
        {s.label}
      </span>
    </Badge>
  );
}
