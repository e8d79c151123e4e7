// The template form: what a template is called and where each driver gets its root from.
// FreeBSD clones a ZFS snapshot or unpacks a tarball the admin prepared on the host; lxc runs
// an lxc-create template (busybox, for tests) or builds a real OS with mmdebstrap. The same
// patterns as the job schema, so a saved template always fits a job.
import { z } from "zod";
import { id, text } from "./common";

const optional = <T extends z.ZodType>(schema: T) =>
  z
    .union([z.literal("").transform(() => null), schema])
    .optional()
    .transform((v) => (v ?? null) as z.infer<T> | null);

const zfsSnapshot = z
  .string()
  .trim()
  .max(200, "At most 200 characters.")
  .regex(/^[A-Za-z0-9._/-]+@[A-Za-z0-9._-]+$/, "Use dataset@snapshot, e.g. zroot/cellblock/templates/base@14.2.");
const tarballPath = z
  .string()
  .trim()
  .max(200, "At most 200 characters.")
  .regex(/^\/[A-Za-z0-9._/-]+$/, "Use an absolute path, e.g. /usr/local/cellblock/templates/base.txz.");

export const templateFields = {
  name: text("Name", 60),
  description: z.string().trim().max(500, "Description must be at most 500 characters.").default(""),
  sortOrder: z.coerce
    .number({ error: "Sort order must be a number." })
    .int("Sort order must be a whole number.")
    .min(0, "Sort order must be at least 0.")
    .max(10_000, "Sort order must be at most 10,000.")
    .default(0),
  zfsSnapshot: optional(zfsSnapshot),
  tarballPath: optional(tarballPath),
  lxcMode: z.enum(["lxc-template", "mmdebstrap"], { error: "Choose how lxc hosts make the root." }),
  lxcTemplate: z
    .string()
    .trim()
    .max(60, "At most 60 characters.")
    .regex(/^([a-z0-9._-]{1,60})?$/, "Name an lxc-create template, e.g. busybox.")
    .default(""),
  suite: z
    .string()
    .trim()
    .max(31, "At most 31 characters.")
    .regex(/^([a-z][a-z0-9-]{1,30})?$/, "Name a Debian suite, e.g. bookworm.")
    .default(""),
  variant: z.enum(["minbase", "apt", "important", "standard"], { error: "Choose a variant." }).default("minbase"),
  /** Debian packages, separated by spaces, commas or new lines. */
  packages: z
    .string()
    .max(10_000, "At most 10,000 characters.")
    .default("")
    .transform((v) => [...new Set(v.split(/[\s,]+/).filter(Boolean))])
    .superRefine((list, ctx) => {
      const bad = list.filter((p) => !/^[a-z0-9][a-z0-9+.-]{0,100}$/.test(p));
      if (bad.length) ctx.addIssue({ code: "custom", message: `Not a Debian package name: ${bad.slice(0, 3).join(", ")}.` });
      if (list.length > 200) ctx.addIssue({ code: "custom", message: "At most 200 packages." });
    }),
};

type Fields = { [K in keyof typeof templateFields]: z.infer<(typeof templateFields)[K]> };

/** The sources as stored: lxcRootfs null means `lxc-create -t lxcTemplate`. */
function toSources(v: Fields, ctx: z.RefinementCtx) {
  let lxcRootfs: { kind: "mmdebstrap"; suite: string; variant: string; packages: string[] } | null = null;
  let lxcTemplate = "busybox";
  if (v.lxcMode === "lxc-template") {
    if (!v.lxcTemplate) ctx.addIssue({ code: "custom", path: ["lxcTemplate"], message: "Name an lxc-create template, e.g. busybox." });
    lxcTemplate = v.lxcTemplate;
  } else {
    if (!v.suite) ctx.addIssue({ code: "custom", path: ["suite"], message: "Name a Debian suite, e.g. bookworm." });
    lxcRootfs = { kind: "mmdebstrap", suite: v.suite, variant: v.variant, packages: v.packages };
  }
  return {
    name: v.name,
    description: v.description,
    sortOrder: v.sortOrder,
    zfsSnapshot: v.zfsSnapshot,
    tarballPath: v.tarballPath,
    lxcTemplate,
    lxcRootfs,
  };
}

export const createTemplateSchema = z
  .object({
    slug: z
      .string({ error: "Slug is required." })
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9-]{1,59}$/, "Use 2 to 60 lower-case letters, digits and hyphens, e.g. debian-12."),
    ...templateFields,
  })
  .transform((v, ctx) => ({ slug: v.slug, ...toSources(v, ctx) }));
export type CreateTemplateInput = z.infer<typeof createTemplateSchema>;

export const updateTemplateSchema = z
  .object({ templateId: id, ...templateFields })
  .transform((v, ctx) => ({ templateId: v.templateId, ...toSources(v, ctx) }));
export type UpdateTemplateInput = z.infer<typeof updateTemplateSchema>;

export const templateIdSchema = z.object({ templateId: id });
export const buildTemplateSchema = z.object({ templateId: id, hostId: id });
