import { db } from "@/lib/db";

/** Plans on sale, in display order. */
export function listActivePlans() {
  return db.plan.findMany({ where: { active: true }, orderBy: [{ sortOrder: "asc" }, { priceCents: "asc" }] });
}

export function listActiveTemplates() {
  return db.template.findMany({ where: { active: true }, orderBy: [{ sortOrder: "asc" }, { name: "asc" }] });
}
