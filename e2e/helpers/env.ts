export function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the e2e suite through \`npm test\`.`);
  return v;
}

// Staff sign in with a second factor: the seed enrolled them with these TOTP secrets.
export const seeded = {
  admin: {
    email: "admin@cellblock.local",
    password: () => requireEnv("E2E_ADMIN_PASSWORD"),
    totpSecret: () => requireEnv("E2E_ADMIN_TOTP_SECRET"),
  },
  billing: {
    email: "billing@cellblock.local",
    password: () => requireEnv("E2E_BILLING_PASSWORD"),
    totpSecret: () => requireEnv("E2E_BILLING_TOTP_SECRET"),
  },
  customer: { email: "demo@cellblock.local", password: () => requireEnv("E2E_CUSTOMER_PASSWORD") },
};
