import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { HostHealth } from "@/lib/domain/hosts/host-health";

const tone: Record<HostHealth, BadgeTone> = { ONLINE: "green", STALE: "yellow", OFFLINE: "red", NEVER: "gray" };
const label: Record<HostHealth, string> = { ONLINE: "online", STALE: "stale", OFFLINE: "offline — unknown", NEVER: "never seen" };

export function HealthBadge({ health }: { health: HostHealth }) {
  return <Badge tone={tone[health]}>{label[health]}</Badge>;
}
