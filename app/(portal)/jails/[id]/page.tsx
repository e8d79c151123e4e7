import type { Metadata } from "next";
import Link from "next/link";
import { JailStateBadge } from "@/components/jails/jail-state-badge";
import {
  AddSshKeyForm,
  ChangePlanForm,
  ConfirmDestroyForm,
  JailActionButton,
  ReinstallPasswordFields,
  RootPasswordForm,
} from "@/components/jails/jail-forms";
import { JailBackups } from "@/components/jails/jail-backups";
import { JailConsole } from "@/components/jails/jail-console";
import { LiveRefresh } from "@/components/jails/live-refresh";
import { UsageCharts } from "@/components/jails/usage-charts";
import { UsageMeter } from "@/components/jails/usage-meter";
import { JobStatusBadge, JobTypeLabel } from "@/components/jobs/job-labels";
import { Alert } from "@/components/ui/alert";
import { Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader, DefinitionList } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireCustomerPage } from "@/lib/auth/session";
import { getJailPage } from "@/lib/domain/jails/get-jail-page";
import { readForPage } from "@/lib/http/page-read";
import { formatAge, formatBytes, formatDate, formatDateTime, formatMb, formatMoney } from "@/lib/format";
import {
  backupNowAction,
  restoreBackupAction,
  addSshKeyAction,
  cancelJailAction,
  changePlanAction,
  openConsoleAction,
  reinstallJailAction,
  removeSshKeyAction,
  restartJailAction,
  setRootPasswordAction,
  startJailAction,
  stopJailAction,
} from "./actions";

export const metadata: Metadata = { title: "Jail" };

const reason = (c: { allowed: boolean; reason?: string }) => (c.allowed ? undefined : c.reason);

export default async function JailPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireCustomerPage();
  const { id } = await params;
  const { jail, usage, activity, plans, backups } = await readForPage(id, (jailId) => getJailPage({ actor: user.actor, jailId }));
  const caps = jail.capabilities;
  const transitional = jail.state === "QUEUED" || jail.state === "PROVISIONING" || jail.state === "DESTROYING";
  const live = jail.openJobs.length > 0 || transitional;
  const destroyed = jail.state === "DESTROYED";

  return (
    <>
      <LiveRefresh active={live} />
      <PageHeader
        title={<span className="break-all">{jail.hostname}</span>}
        description={`${jail.plan.name} · ${jail.template.name} · ordered ${formatDate(jail.createdAt)}`}
        actions={<JailStateBadge state={jail.state} />}
      />

      <div className="space-y-6">
        {/* What is happening right now, in words. */}
        <div aria-live="polite" className="space-y-3" data-testid="jail-status">
          {jail.openJobs.map((j) => (
            <Alert key={j.id} tone="info">
              <span className="flex items-center gap-2" data-testid="job-in-progress">
                <Spinner />
                <span>
                  <strong>{j.label}…</strong>{" "}
                  {j.waitingFor
                    ? `waiting for the host to prepare the template first (${j.waitingFor.status === "RUNNING" ? `${j.waitingFor.percent ?? 0}% done${j.waitingFor.message ? `: ${j.waitingFor.message}` : ""}` : "queued"}). The first jail from a template on a host takes a minute or two; later ones start at once.`
                    : j.status === "QUEUED"
                      ? `waiting for the host (asked ${formatAge(j.createdAt)})`
                      : `the host is on it (started ${formatAge(j.startedAt)})`}
                  {j.attempts > 1 && `, attempt ${j.attempts}`}
                  {j.lastTryText && ` — last try: ${j.lastTryText}`}
                </span>
              </span>
            </Alert>
          ))}
          {jail.state === "FAILED" && (
            <Alert tone="error" title="The jail could not be installed.">
              <span data-testid="jail-failure">{jail.failureText}</span> Reinstall it from its template below, or cancel it.
            </Alert>
          )}
          {jail.state !== "FAILED" && jail.failedJob && (
            <Alert tone="error" title="The last task failed.">
              <JobTypeLabel type={jail.failedJob.type} />: <span data-testid="job-failure">{jail.failedJob.text}</span>
            </Alert>
          )}
          {usage.over.length > 0 && (
            <Alert tone="warning" title="This jail is over its plan's limits.">
              <span data-testid="over-limit">{usage.over.map((o) => OVER_TEXT[o]).join(" ")}</span>
            </Alert>
          )}
          {jail.accountStatus === "SUSPENDED" && (
            <Alert tone="error">Your account is suspended: the jail cannot be started until it is settled.</Alert>
          )}
          {destroyed && <Alert tone="info">This jail was cancelled and destroyed on {formatDate(jail.destroyedAt)}.</Alert>}
        </div>

        <div className="grid gap-6 lg:grid-cols-3">
          <Card className="lg:col-span-2">
            <CardHeader title="Details" />
            <CardBody>
              <DefinitionList
                items={[
                  [
                    "Hostname",
                    <span key="h" className="break-all font-mono" data-testid="jail-hostname">
                      {jail.hostname}
                    </span>,
                  ],
                  ["Status", <JailStateBadge key="s" state={jail.state} />],
                  [
                    "Public address",
                    <span key="p" className="font-mono" data-testid="public-ip">
                      {jail.publicIp ?? "—"}
                    </span>,
                  ],
                  [
                    "IPv6 address",
                    <span key="6" className="break-all font-mono" data-testid="ipv6">
                      {jail.ipv6 ?? "—"}
                    </span>,
                  ],
                  [
                    "Private address",
                    <span key="v" className="font-mono">
                      {jail.privateIp ?? "—"}
                    </span>,
                  ],
                  ["Host", jail.host.name],
                  ["Plan", `${jail.plan.name} (${formatMoney(jail.plan.priceCents)} / month)`],
                  ["Template", jail.template.name],
                  ["Created", formatDateTime(jail.createdAt)],
                ]}
              />
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="How to reach it" />
            <CardBody className="space-y-3 text-sm">
              {jail.publicIp ? (
                <pre className="overflow-x-auto rounded-md bg-zinc-900 px-3 py-2 font-mono text-sm text-zinc-100" data-testid="ssh-command">
                  ssh root@{jail.publicIp}
                </pre>
              ) : (
                <p className="text-zinc-500">The address appears once the jail is placed.</p>
              )}
              {jail.ipv6 && (
                <pre
                  className="overflow-x-auto rounded-md bg-zinc-900 px-3 py-2 font-mono text-sm text-zinc-100"
                  data-testid="ssh-command-ipv6"
                >
                  ssh root@{jail.ipv6}
                </pre>
              )}
              <div>
                <p className="text-xs font-medium uppercase tracking-wide text-zinc-500">Host key fingerprint</p>
                {jail.sshHostKeyFingerprint ? (
                  <p className="mt-0.5 break-all font-mono text-xs" data-testid="host-key-fingerprint">
                    {jail.sshHostKeyFingerprint}
                  </p>
                ) : (
                  <p className="mt-0.5 text-zinc-500">Shown once the jail is running. Compare it with what ssh shows on first connect.</p>
                )}
              </div>
              {jail.state === "RUNNING" && !jail.rootPasswordSetAt ? (
                <p className="text-xs text-zinc-700" data-testid="no-root-password">
                  Root has no password yet: log in with an SSH key you add below, or set a root password.
                </p>
              ) : (
                <p className="text-xs text-zinc-500">Log in with a key you add below, or with the root password you set.</p>
              )}
            </CardBody>
          </Card>
        </div>

        {!destroyed && (
          <Card>
            <CardHeader title="Power" description="The host applies each change within seconds; this page follows it." />
            <CardBody>
              <PowerButtons jailId={jail.id} start={reason(caps.start)} stop={reason(caps.stop)} restart={reason(caps.restart)} />
            </CardBody>
          </Card>
        )}

        {!destroyed && (
          <Card>
            <CardHeader
              title="Console"
              description="A root shell in the jail, in this page. It closes after a while without typing; nothing you type is recorded."
            />
            <CardBody>
              <JailConsole jailId={jail.id} action={openConsoleAction} disabledReason={reason(caps.console)} />
            </CardBody>
          </Card>
        )}

        <Card>
          <CardHeader
            title="Usage"
            description={usage.current ? `Measured on the host ${formatAge(usage.current.sampledAt)}.` : "No measurements yet."}
          />
          <CardBody className="space-y-6">
            <div className="grid gap-4 md:grid-cols-2 lg:grid-cols-4">
              <UsageMeter
                testId="meter-disk"
                label="Disk"
                used={usage.current?.diskBytes ?? null}
                limit={usage.limits.diskBytes}
                format={formatBytes}
              />
              <UsageMeter
                testId="meter-memory"
                label="Memory"
                used={usage.current?.memoryBytes ?? null}
                limit={usage.limits.memoryBytes}
                format={formatBytes}
              />
              <UsageMeter
                testId="meter-cpu"
                label="CPU"
                used={usage.current?.cpuPercent ?? null}
                limit={usage.limits.cpuPercent}
                format={(v) => `${Math.round(v)}%`}
              />
              <UsageMeter
                testId="meter-transfer"
                label="Transfer this month"
                used={usage.transferThisMonthBytes}
                limit={usage.limits.monthlyTransferBytes}
                format={formatBytes}
              />
            </div>
            {usage.current && (
              <p className="text-xs text-zinc-500">
                {usage.current.processes} of {jail.plan.maxProcesses} processes.
              </p>
            )}
            <UsageCharts series24h={usage.series24h} series30d={usage.series30d} limits={usage.limits} />
          </CardBody>
        </Card>

        {!destroyed && (
          <div className="grid gap-6 lg:grid-cols-2">
            <Card>
              <CardHeader title="SSH keys" description="Public keys allowed to log in as root." />
              <CardBody className="space-y-4">
                {jail.sshKeys.length === 0 ? (
                  <p className="text-sm text-zinc-500">No keys yet.</p>
                ) : (
                  <ul className="divide-y divide-zinc-100 rounded-md border border-zinc-200" data-testid="ssh-keys">
                    {jail.sshKeys.map((k) => (
                      <li key={k.id} className="flex items-center justify-between gap-4 px-3 py-2">
                        <div className="min-w-0">
                          <p className="truncate text-sm font-medium text-zinc-900">{k.label}</p>
                          <p className="truncate font-mono text-xs text-zinc-500">
                            {k.type} {k.bits} · {k.fingerprint}
                          </p>
                        </div>
                        <JailActionButton
                          action={removeSshKeyAction}
                          jailId={jail.id}
                          extra={{ keyId: k.id }}
                          label="Remove"
                          pendingLabel="Removing…"
                          variant="ghost"
                          disabledReason={reason(caps.sshKeys)}
                        />
                      </li>
                    ))}
                  </ul>
                )}
                <AddSshKeyForm action={addSshKeyAction} jailId={jail.id} disabledReason={reason(caps.sshKeys)} />
              </CardBody>
            </Card>
            <div className="space-y-6">
              <Card>
                <CardHeader title="Root password" />
                <CardBody>
                  <RootPasswordForm action={setRootPasswordAction} jailId={jail.id} disabledReason={reason(caps.setPassword)} />
                </CardBody>
              </Card>
              <Card>
                <CardHeader
                  title="Plan"
                  description={`Now: ${jail.plan.name} — ${formatMb(jail.plan.diskQuotaMb)} disk, ${formatMb(jail.plan.memoryLimitMb)} process space, ${jail.plan.maxProcesses} processes.`}
                />
                <CardBody>
                  <ChangePlanForm
                    action={changePlanAction}
                    jailId={jail.id}
                    currentPlan={jail.plan.slug}
                    plans={plans.map((p) => ({
                      value: p.slug,
                      label: `${p.name} — ${formatMoney(p.priceCents)} / month, ${formatMb(p.diskQuotaMb)} disk, ${formatMb(p.memoryLimitMb)} memory`,
                    }))}
                    disabledReason={reason(caps.changePlan)}
                  />
                </CardBody>
              </Card>
            </div>
          </div>
        )}

        {!destroyed && (
          <JailBackups
            jailId={jail.id}
            hostname={jail.hostname}
            backups={backups}
            everyHours={jail.plan.backupEveryHours}
            keep={jail.plan.backupKeep}
            backupDisabled={reason(caps.backup)}
            restoreDisabled={reason(caps.restore)}
            backupNowAction={backupNowAction}
            restoreAction={restoreBackupAction}
          />
        )}

        <Card>
          <CardHeader
            title="Recent activity"
            actions={
              <Link href={`/jails/${jail.id}/activity`} className="text-sm font-medium text-brand-600 hover:underline">
                All activity
              </Link>
            }
          />
          <CardBody>
            {activity.jobs.length === 0 ? (
              <p className="text-sm text-zinc-500">Nothing yet.</p>
            ) : (
              <ul className="divide-y divide-zinc-100 text-sm" data-testid="recent-activity">
                {activity.jobs.map((j) => (
                  <li key={j.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                    <span>
                      <JobTypeLabel type={j.type} />{" "}
                      <span className="text-zinc-500">
                        by {j.requestedBy}, {formatDateTime(j.createdAt)}
                      </span>
                    </span>
                    <JobStatusBadge status={j.status} />
                  </li>
                ))}
              </ul>
            )}
          </CardBody>
        </Card>

        {!destroyed && (
          <Card className="border-red-200">
            <CardHeader title="Danger zone" description="These destroy everything stored in the jail." />
            <CardBody className="grid gap-8 md:grid-cols-2">
              <ConfirmDestroyForm
                action={reinstallJailAction}
                jailId={jail.id}
                hostname={jail.hostname}
                label="Reinstall from template"
                pendingLabel="Reinstalling…"
                explanation={`Wipes the jail and installs ${jail.template.name} again. Hostname, addresses, plan and SSH keys stay; all files and the root password are lost.`}
                disabledReason={reason(caps.reinstall)}
              >
                <ReinstallPasswordFields disabled={!caps.reinstall.allowed} />
              </ConfirmDestroyForm>
              <ConfirmDestroyForm
                action={cancelJailAction}
                jailId={jail.id}
                hostname={jail.hostname}
                label="Cancel this jail"
                pendingLabel="Cancelling…"
                explanation="Destroys the jail and its files, frees its addresses and ends billing for it. This cannot be undone."
                disabledReason={reason(caps.cancel)}
              />
            </CardBody>
          </Card>
        )}
      </div>
    </>
  );
}

const OVER_TEXT = {
  disk: "It uses more disk than the plan allows: delete files or upgrade; after a month's grace the excess is charged per GB.",
  memory: "Its processes use more memory than the plan's process space: some may be killed. Consider upgrading.",
  transfer: "It has used more transfer this month than the plan includes: the excess is charged per GB.",
} as const;

/** Start / Stop / Restart; when they are disabled for one shared reason, it is said once. */
function PowerButtons({ jailId, start, stop, restart }: { jailId: string; start?: string; stop?: string; restart?: string }) {
  const shared = start && start === stop && stop === restart ? start : undefined;
  const buttons = [
    { label: "Start", pending: "Starting…", action: startJailAction, why: start },
    { label: "Stop", pending: "Stopping…", action: stopJailAction, why: stop },
    { label: "Restart", pending: "Restarting…", action: restartJailAction, why: restart },
  ];
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-6">
        {buttons.map((b) => (
          <div key={b.label} className="w-44 space-y-1">
            <JailActionButton action={b.action} jailId={jailId} label={b.label} pendingLabel={b.pending} disabledReason={b.why} />
            {b.why && !shared && <p className="text-xs text-zinc-500">{b.why}</p>}
          </div>
        ))}
      </div>
      {shared && <p className="text-sm text-zinc-500">{shared}</p>}
    </div>
  );
}
