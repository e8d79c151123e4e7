// The templates page: every template, and for one template where each host stands with its
// current version (ready, building with progress, failed with the reason, not needed, or no
// source for the host's driver).
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { templateNeedsBuild } from "./ensure-template-build";

export const TEMPLATES_PAGE_SIZE = 25;
export const TEMPLATE_HOSTS_PAGE_SIZE = 50;

export async function listAdminTemplates({ actor, page }: { actor: StaffActor; page: number }) {
  assertStaff(actor, "ADMIN");
  const [rows, total] = await Promise.all([
    db.template.findMany({
      orderBy: [{ active: "desc" }, { sortOrder: "asc" }, { name: "asc" }],
      skip: (page - 1) * TEMPLATES_PAGE_SIZE,
      take: TEMPLATES_PAGE_SIZE,
    }),
    db.template.count(),
  ]);
  const ids = rows.map((t) => t.id);
  const [jails, builds] = await Promise.all([
    db.jail.groupBy({ by: ["templateId"], where: { templateId: { in: ids }, destroyedAt: null }, _count: { _all: true } }),
    db.templateBuild.groupBy({ by: ["templateId", "version", "status"], where: { templateId: { in: ids } }, _count: { _all: true } }),
  ]);
  return {
    total,
    rows: rows.map((t) => {
      const current = builds.filter((b) => b.templateId === t.id && b.version === t.version);
      const n = (s: string) => current.find((b) => b.status === s)?._count._all ?? 0;
      return {
        ...t,
        jails: jails.find((j) => j.templateId === t.id)?._count._all ?? 0,
        builds: { ready: n("READY"), building: n("QUEUED") + n("BUILDING"), failed: n("FAILED") },
      };
    }),
  };
}

export type HostTemplateStatus =
  | { kind: "no-source"; reason: string }
  | { kind: "no-build-needed"; reason: string }
  | { kind: "not-built" }
  | { kind: "queued" | "building"; percent: number | null; message: string | null; jobId: string | null }
  | { kind: "ready"; readyAt: Date | null; sizeBytes: bigint | null }
  | { kind: "failed"; error: string | null; jobId: string | null };

/** One template with where each host stands with its current version. @throws AppError NOT_FOUND. */
export async function getAdminTemplate({
  actor,
  templateId,
  hostsPage = 1,
}: {
  actor: StaffActor;
  templateId: string;
  hostsPage?: number;
}) {
  assertStaff(actor, "ADMIN");
  const template = await db.template.findUnique({ where: { id: templateId } });
  if (!template) throw notFound("That template");
  const [hosts, hostsTotal, jails] = await Promise.all([
    db.host.findMany({
      where: { removedAt: null },
      orderBy: { name: "asc" },
      skip: (hostsPage - 1) * TEMPLATE_HOSTS_PAGE_SIZE,
      take: TEMPLATE_HOSTS_PAGE_SIZE,
      select: { id: true, name: true, driver: true, status: true },
    }),
    db.host.count({ where: { removedAt: null } }),
    db.jail.count({ where: { templateId, destroyedAt: null } }),
  ]);
  const builds = await db.templateBuild.findMany({
    where: { templateId, version: template.version, hostId: { in: hosts.map((h) => h.id) } },
    include: { job: { select: { id: true, status: true, progressPercent: true, progressMessage: true, error: true } } },
  });
  const rows = hosts.map((host) => {
    const build = builds.find((b) => b.hostId === host.id);
    return { host, status: statusOn(host.driver, template, build) };
  });
  return { template, jails, hosts: rows, hostsTotal };
}

function statusOn(
  driver: "LXC" | "FREEBSD",
  t: { zfsSnapshot: string | null; tarballPath: string | null; lxcRootfs: unknown; lxcTemplate: string },
  build:
    | {
        status: string;
        error: string | null;
        readyAt: Date | null;
        sizeBytes: bigint | null;
        job: { id: string; status: string; progressPercent: number | null; progressMessage: string | null; error: string | null } | null;
      }
    | undefined,
): HostTemplateStatus {
  if (driver === "FREEBSD" && !t.zfsSnapshot && !t.tarballPath)
    return { kind: "no-source", reason: "No ZFS snapshot or tarball: FreeBSD hosts cannot make jails from it." };
  if (driver === "LXC" && t.lxcRootfs == null && !t.lxcTemplate) return { kind: "no-source", reason: "No lxc recipe." };
  if (!templateNeedsBuild(driver, { lxcRootfs: t.lxcRootfs as never }))
    return {
      kind: "no-build-needed",
      reason:
        driver === "FREEBSD"
          ? "Cloned from the snapshot (or unpacked from the tarball) the host holds."
          : `lxc-create -t ${t.lxcTemplate} makes each jail.`,
    };
  if (!build) return { kind: "not-built" };
  switch (build.status) {
    case "READY":
      return { kind: "ready", readyAt: build.readyAt, sizeBytes: build.sizeBytes };
    case "FAILED":
      return { kind: "failed", error: build.error ?? build.job?.error ?? null, jobId: build.job?.id ?? null };
    default:
      return {
        kind: build.status === "BUILDING" ? "building" : "queued",
        percent: build.job?.progressPercent ?? null,
        message: build.job?.progressMessage ?? null,
        jobId: build.job?.id ?? null,
      };
  }
}
