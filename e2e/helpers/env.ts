export function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the e2e suite through \`npm test\`.`);
  return v;
}

export const seeded = {
  admin: { email: "admin@cellblock.local", password: () => requireEnv("E2E_ADMIN_PASSWORD") },
  billing: { email: "billing@cellblock.local", password: () => requireEnv("E2E_BILLING_PASSWORD") },
  customer: { email: "demo@cellblock.local", password: () => requireEnv("E2E_CUSTOMER_PASSWORD") },
};
