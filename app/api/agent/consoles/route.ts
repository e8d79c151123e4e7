import { agentRoute } from "@/lib/http/agent-route";
import { consoleEvent } from "@/lib/domain/console/console-rules";
import { listPendingConsoles } from "@/lib/domain/console/list-pending-consoles";
import { jobNotifier } from "@/lib/server/job-notifier";
import { AGENT_BODY_LIMIT } from "@/lib/schemas/agent";
import { consolesRequest } from "@/lib/schemas/console";

// The agent's console long poll: answers at once with the browser sessions waiting for this
// host to dial in (/api/agent/console/:id), or holds the request until one is (the NOTIFY that
// spending a ticket sends, through the same notifier as the job lease) or the wait runs out.
// While the notifier cannot listen, each request re-checks on its own every RECHECK_MS.
const RECHECK_MS = 2000;

export const POST = agentRoute(consolesRequest, AGENT_BODY_LIMIT, async ({ host, body, req }) => {
  const deadline = Date.now() + body.waitSeconds * 1000;
  // Subscribe before looking, so a ticket spent while we look still wakes us.
  const subscription = await jobNotifier.subscribe(consoleEvent(host.id));
  try {
    for (;;) {
      const sessions = await listPendingConsoles({ hostId: host.id });
      const remaining = deadline - Date.now();
      if (sessions.length || remaining <= 0 || req.signal.aborted) return { sessions };
      await subscription.wait(jobNotifier.live ? remaining : Math.min(remaining, RECHECK_MS), req.signal);
    }
  } finally {
    subscription.close();
  }
});
