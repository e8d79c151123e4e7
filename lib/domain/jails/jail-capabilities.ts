// What a customer may do to a jail right now, and why not. One pure function, used by the
// domain functions to refuse a request and by the jail page to disable the same buttons, so
// the two can never disagree.
import { AppError } from "@/lib/errors";
import type { JailState, JobStatus, JobType } from "@/lib/generated/prisma/enums";
import type { DriverCapabilities } from "@/lib/schemas/capabilities";

export type OpenJob = { id: string; type: JobType; status: JobStatus; createdAt: Date; startedAt: Date | null };

/** Jobs that change what the jail is or whether it runs: one at a time. */
const LIFECYCLE: ReadonlySet<JobType> = new Set([
  "CREATE",
  "REINSTALL",
  "DESTROY",
  "START",
  "STOP",
  "RESTART",
  "SET_LIMITS",
  "MIGRATE_OUT",
  "MIGRATE_IN",
  "RESTORE",
]);
/** Jobs during which the jail's root file system is not there to write a password or keys to. */
const BUILDING: ReadonlySet<JobType> = new Set(["CREATE", "REINSTALL", "DESTROY", "MIGRATE_OUT", "MIGRATE_IN", "RESTORE"]);
/** Backup work on the jail: one backup or restore at a time. */
const BACKUP_WORK: ReadonlySet<JobType> = new Set(["BACKUP", "RESTORE"]);

export const OPEN_JOB_STATUSES: JobStatus[] = ["QUEUED", "RUNNING"];

/** What the page says while a job is open: "Starting", "Installing from the template"… */
export const JOB_IN_PROGRESS: Record<JobType, string> = {
  CREATE: "Creating the jail",
  START: "Starting",
  STOP: "Stopping",
  RESTART: "Restarting",
  REINSTALL: "Reinstalling from the template",
  DESTROY: "Cancelling: destroying the jail",
  SET_LIMITS: "Applying the new plan's limits",
  SET_PASSWORD: "Setting the root password",
  SET_SSH_KEYS: "Updating SSH keys",
  SNAPSHOT: "Taking a snapshot",
  MIGRATE_OUT: "Moving to another host",
  MIGRATE_IN: "Moving to another host",
  BUILD_TEMPLATE: "Preparing the template on the host",
  BACKUP: "Backing up",
  RESTORE: "Restoring from a backup",
};

export type Capability = { allowed: true } | { allowed: false; reason: string };
export type JailCapabilities = Record<
  "start" | "stop" | "restart" | "reinstall" | "cancel" | "changePlan" | "setPassword" | "sshKeys" | "backup" | "restore" | "console",
  Capability
>;

const yes: Capability = { allowed: true };
const no = (reason: string): Capability => ({ allowed: false, reason });

/**
 * What the customer may do to a jail now, each with the reason when not. `host` is what the
 * jail's host declared it can do (null: not declared, taken on trust).
 */
export function jailCapabilities(input: {
  state: JailState;
  accountStatus: "ACTIVE" | "SUSPENDED" | "CLOSED";
  openJobs: Pick<OpenJob, "type">[];
  host?: DriverCapabilities | null;
}): JailCapabilities {
  const { state, accountStatus, openJobs, host = null } = input;
  const gone = state === "DESTROYING" || state === "DESTROYED";
  const lifecycleJob = openJobs.find((j) => LIFECYCLE.has(j.type));
  const buildingJob = openJobs.find((j) => BUILDING.has(j.type));
  const busy = lifecycleJob ? no(`Wait until the current task finishes (${JOB_IN_PROGRESS[lifecycleJob.type].toLowerCase()}).`) : null;
  const building = buildingJob ? no(`Wait until the current task finishes (${JOB_IN_PROGRESS[buildingJob.type].toLowerCase()}).`) : null;
  const cancelled = no(state === "DESTROYED" ? "This jail has been destroyed." : "This jail is being cancelled.");
  const suspended = accountStatus !== "ACTIVE" ? no("Your account is suspended: jails cannot be started until it is settled.") : null;
  const installed = state === "RUNNING" || state === "STOPPED";
  const backupJob = openJobs.find((j) => BACKUP_WORK.has(j.type));
  const backingUp = backupJob ? no(`Wait until the current task finishes (${JOB_IN_PROGRESS[backupJob.type].toLowerCase()}).`) : null;

  return {
    start: gone
      ? cancelled
      : (suspended ??
        busy ??
        (state === "STOPPED" ? yes : no(state === "RUNNING" ? "The jail is already running." : "The jail is not installed yet."))),
    stop: gone ? cancelled : (busy ?? (state === "RUNNING" ? yes : no("The jail is not running."))),
    restart: gone ? cancelled : (suspended ?? busy ?? (state === "RUNNING" ? yes : no("Only a running jail can be restarted."))),
    reinstall: gone ? cancelled : (suspended ?? busy ?? (installed || state === "FAILED" ? yes : no("The jail is not installed yet."))),
    cancel: gone ? cancelled : yes,
    changePlan: gone
      ? cancelled
      : (busy ?? (installed || state === "FAILED" ? yes : no("The plan can be changed once the jail is installed."))),
    // The host writes /etc/shadow and authorized_keys from inside the running jail.
    setPassword: gone
      ? cancelled
      : host && !host.rootPassword
        ? no("This jail's host cannot set a root password. Log in with an SSH key instead.")
        : (building ??
          (state === "RUNNING"
            ? yes
            : no(
                state === "STOPPED" ? "Start the jail to set its root password." : "The root password can be set once the jail is running.",
              ))),
    // A FAILED jail keeps its keys in the panel for the next reinstall.
    sshKeys: gone
      ? cancelled
      : host && !host.sshKeys
        ? no("This jail's host cannot install SSH keys.")
        : (building ?? (state === "STOPPED" ? no("Start the jail to change its SSH keys.") : yes)),
    backup: gone ? cancelled : (busy ?? backingUp ?? (installed ? yes : no("The jail can be backed up once it is installed."))),
    // Restoring replaces the jail's files (and restarts it): like a reinstall, not for a suspended account.
    restore: gone
      ? cancelled
      : (suspended ?? busy ?? backingUp ?? (installed ? yes : no("A backup can be restored once the jail is installed."))),
    // A root shell in the jail: only while it runs, and never for a suspended account (the
    // issue's rule; open sessions of an account suspended later are closed by the relay).
    console: gone
      ? cancelled
      : accountStatus !== "ACTIVE"
        ? no("Your account is suspended: the console is closed until it is settled.")
        : (busy ?? (state === "RUNNING" ? yes : no("The console opens on a running jail."))),
  };
}

/** Throws the reason as a PRECONDITION error when the capability is not there. */
export function assertCapability(cap: Capability): void {
  if (!cap.allowed) throw new AppError("PRECONDITION", cap.reason);
}
