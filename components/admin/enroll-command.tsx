import { AGENT_NODE_FLAGS, AGENT_PATH_ON_HOST } from "@/lib/hosts/agent-launch";

/** The exact commands to run on a new jailing host, with its one-time token. */
export function EnrollCommand({ appUrl, token }: { appUrl: string; token: string }) {
  const enroll = `node ${AGENT_PATH_ON_HOST} enroll --url ${appUrl} --token=${token} --config /etc/cellblock/agent.json --bridge cbbr0`;
  const run = `node ${AGENT_NODE_FLAGS.join(" ")} ${AGENT_PATH_ON_HOST} run --config /etc/cellblock/agent.json`;
  return (
    <div className="space-y-2 rounded-md border border-amber-200 bg-amber-50 p-4 text-sm" data-testid="enroll-command">
      <p className="font-medium text-amber-900">
        On the host, as root, with Node.js 20 or later: copy the agent there first (<code>npm run agent:bundle</code> writes{" "}
        <code>dist/cellblock-agent.mjs</code>; put it at <code>{AGENT_PATH_ON_HOST}</code>), then run this. The token works once and expires
        in 24 hours; it is not shown again.
      </p>
      <pre className="overflow-x-auto rounded bg-zinc-900 p-3 font-mono text-xs text-zinc-100" data-testid="enroll-line">
        {enroll}
      </pre>
      <p className="text-amber-900">Then start the agent (under your service manager):</p>
      <pre className="overflow-x-auto rounded bg-zinc-900 p-3 font-mono text-xs text-zinc-100" data-testid="run-line">
        {run}
      </pre>
    </div>
  );
}
