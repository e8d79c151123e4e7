// What a customer reads when a job on their jail failed. The host's own words (command lines,
// exit codes, lxc or jail(8) messages) stay on the admin's job page; the portal says what
// happened and what to do, in plain words. One function, used by every portal read that shows
// a failure (jail page, dashboard, activity).
import type { JobType } from "@/lib/generated/prisma/enums";

const DOING: Record<JobType, string> = {
  CREATE: "installing the jail",
  REINSTALL: "reinstalling the jail",
  START: "starting the jail",
  STOP: "stopping the jail",
  RESTART: "restarting the jail",
  DESTROY: "destroying the jail",
  SET_LIMITS: "applying the plan's limits",
  SET_PASSWORD: "setting the root password",
  SET_SSH_KEYS: "updating the SSH keys",
  SNAPSHOT: "taking a snapshot",
  MIGRATE_OUT: "moving the jail",
  MIGRATE_IN: "moving the jail",
  BUILD_TEMPLATE: "preparing the template",
  BACKUP: "backing up the jail",
  RESTORE: "restoring the jail from a backup",
};

type Rule = { match: RegExp; text: (doing: string) => string };

// First match wins. Each rule is a kind of failure the hosts report, not one message.
const RULES: Rule[] = [
  {
    match: /could not prepare the template/i,
    text: () => "The host could not prepare the jail's operating system. Our staff have been told; try reinstalling in a little while.",
  },
  {
    match: /no space left on device|ENOSPC|disk quota exceeded|EDQUOT/i,
    text: (doing) => `The jail's disk is full, which stopped ${doing}. Delete files or move to a larger plan, then try again.`,
  },
  {
    // Agent precondition errors are already written for people: "The jail must be running to …".
    match: /must be running|is not running|not running in jail/i,
    text: () => "The jail must be running for this. Start it and try again.",
  },
  {
    match: /stopped reporting on this job|timed out|timeout/i,
    text: (doing) => `The host took too long ${doing} and gave up. Try again; if it keeps happening, contact support.`,
  },
  {
    match: /already exists|adopt/i,
    text: (doing) =>
      `Something left over from an earlier attempt got in the way of ${doing}. Reinstall the jail; if it happens again, contact support.`,
  },
  {
    match: /cancelled|superseded/i,
    text: () => "This task was called off before it ran.",
  },
];

/**
 * The customer's wording for a failed job of `type` whose host reported `error` (raw, possibly a
 * command line with its output). Never echoes the raw error.
 */
export function explainJobFailure({ type, error }: { type: JobType; error: string | null }): string {
  const doing = DOING[type];
  const rule = error ? RULES.find((r) => r.match.test(error)) : undefined;
  if (rule) return rule.text(doing);
  return `Something went wrong on the host while ${doing}. Try again; if it keeps failing, contact support and mention the time it happened.`;
}
