import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { staffActor } from "@/lib/domain/actor";
import { completeJob } from "@/lib/domain/jobs/complete-job";
import { leaseJobs } from "@/lib/domain/jobs/lease-jobs";
import { createHost, createStaff, uid } from "@/lib/test/factories";
import { createTemplateSchema, updateTemplateSchema } from "@/lib/schemas/templates";
import { createTemplate, setTemplateAvailable, updateTemplate } from "./save-template";
import { getAdminTemplate } from "./list-admin-templates";
import { buildTemplateOnHost } from "./build-template-on-host";

const admin = async () => staffActor(await createStaff("ADMIN"));
const debian = (over: Record<string, string> = {}) => ({
  name: "Debian 12",
  description: "sshd and apt",
  sortOrder: "3",
  zfsSnapshot: "",
  tarballPath: "",
  lxcMode: "mmdebstrap",
  suite: "bookworm",
  variant: "minbase",
  packages: "openssh-server, iproute2\nprocps",
  lxcTemplate: "",
  ...over,
});

describe("templates", () => {
  it("saves the source per driver; a source change bumps the version, a new name does not", async () => {
    const actor = await admin();
    const t = await createTemplate({ actor, input: createTemplateSchema.parse({ slug: `deb-${uid()}`, ...debian() }) });
    expect(t).toMatchObject({
      version: 1,
      zfsSnapshot: null,
      lxcRootfs: { kind: "mmdebstrap", suite: "bookworm", variant: "minbase", packages: ["openssh-server", "iproute2", "procps"] },
    });
    expect(
      await updateTemplate({ actor, input: updateTemplateSchema.parse({ templateId: t.id, ...debian({ name: "Debian 12 (bookworm)" }) }) }),
    ).toEqual({
      version: 1,
      sourceChanged: false,
    });
    expect(
      await updateTemplate({
        actor,
        input: updateTemplateSchema.parse({ templateId: t.id, ...debian({ packages: "openssh-server nginx" }) }),
      }),
    ).toEqual({ version: 2, sourceChanged: true });
    expect(
      await updateTemplate({
        actor,
        input: updateTemplateSchema.parse({
          templateId: t.id,
          ...debian({ lxcMode: "lxc-template", lxcTemplate: "busybox", zfsSnapshot: "zroot/t/deb@1" }),
        }),
      }),
    ).toEqual({ version: 3, sourceChanged: true });
    expect(await db.template.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({
      lxcRootfs: null,
      lxcTemplate: "busybox",
      zfsSnapshot: "zroot/t/deb@1",
    });
    expect(await db.auditLog.count({ where: { targetId: t.id, action: { startsWith: "template." } } })).toBe(4);
  });

  it("refuses bad sources field by field", () => {
    const r = createTemplateSchema.safeParse({
      slug: "ok-slug",
      ...debian({ suite: "Bookworm!", packages: "good bad;pkg", zfsSnapshot: "no-at-sign", tarballPath: "relative/x.txz" }),
    });
    expect(r.success).toBe(false);
    expect(new Set(r.error!.issues.map((i) => i.path.join(".")))).toEqual(new Set(["suite", "packages", "zfsSnapshot", "tarballPath"]));
  });

  it("shows where each host stands: no source, no build needed, not built, queued, ready", async () => {
    const actor = await admin();
    const t = await createTemplate({ actor, input: createTemplateSchema.parse({ slug: `deb-${uid()}`, ...debian() }) });
    const lxc = await createHost();
    await db.host.update({ where: { id: lxc.id }, data: { enrolledAt: new Date() } });
    const bsd = await createHost({ driver: "FREEBSD" });
    const status = async (hostId: string) => {
      for (let page = 1; ; page++) {
        const res = await getAdminTemplate({ actor, templateId: t.id, hostsPage: page });
        const row = res.hosts.find((h) => h.host.id === hostId);
        if (row) return row.status;
        if (res.hosts.length === 0) throw new Error("host not listed");
      }
    };
    expect(await status(bsd.id)).toMatchObject({ kind: "no-source" });
    expect(await status(lxc.id)).toEqual({ kind: "not-built" });
    const { jobId } = await buildTemplateOnHost({ actor, templateId: t.id, hostId: lxc.id });
    expect(await status(lxc.id)).toMatchObject({ kind: "queued", jobId });
    await leaseJobs({ hostId: lxc.id, leasedBy: "agent", max: 10, now: new Date() });
    await completeJob({ hostId: lxc.id, jobId: jobId!, report: { status: "SUCCEEDED", result: { templateBytes: 1000 } }, now: new Date() });
    expect(await status(lxc.id)).toMatchObject({ kind: "ready", sizeBytes: 1000n });
    await expect(buildTemplateOnHost({ actor, templateId: t.id, hostId: bsd.id })).rejects.toMatchObject({ code: "PRECONDITION" });
  });

  it("a retired template is not offered; billing clerks cannot change templates", async () => {
    const actor = await admin();
    const t = await createTemplate({ actor, input: createTemplateSchema.parse({ slug: `deb-${uid()}`, ...debian() }) });
    await setTemplateAvailable({ actor, templateId: t.id, available: false });
    const { listActiveTemplates } = await import("@/lib/domain/catalog/list-plans");
    expect((await listActiveTemplates()).map((x) => x.id)).not.toContain(t.id);
    const clerk = staffActor(await createStaff("BILLING"));
    await expect(setTemplateAvailable({ actor: clerk, templateId: t.id, available: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
