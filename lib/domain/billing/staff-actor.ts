/** Who made a billing or admin change, for the audit row. */
export type StaffActor = { id: string; role: "ADMIN" | "BILLING"; ip?: string | null };

export function staffActor(user: { id: string; role: string; ip?: string | null }): StaffActor {
  if (user.role !== "ADMIN" && user.role !== "BILLING") throw new Error("staffActor: not a staff login");
  return { id: user.id, role: user.role, ip: user.ip ?? null };
}
