import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { signUpSchema } from "@/lib/schemas/auth";
import { randomEmail, uid } from "@/lib/test/factories";
import { signUp } from "./sign-up";

const valid = () => ({
  name: "Jon Ringuette",
  email: randomEmail("signup"),
  password: "a long enough password",
  accountName: "iMeme",
  addressLine1: "1 Broadway",
  city: "New York",
  postalCode: "10004",
  country: "us",
});

describe("signUp", () => {
  it("creates the user and its account together, with a hashed password and an audit row", async () => {
    const input = signUpSchema.parse(valid());
    const { user, account } = await signUp({ input });
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(row.accountId).toBe(account.id);
    expect(row.role).toBe("CUSTOMER");
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(input.password);
    expect(account.country).toBe("US");
    expect(account.billingEmail).toBe(input.email);
    expect(await db.auditLog.count({ where: { action: "account.sign-up", targetId: account.id } })).toBe(1);
  });

  it("refuses a taken e-mail address, in any letter case, and writes nothing", async () => {
    const first = signUpSchema.parse(valid());
    await signUp({ input: first });
    // Counted by what only this attempt could write: other test files write accounts meanwhile.
    const again = signUpSchema.parse({ ...valid(), email: first.email.toUpperCase(), accountName: `Second ${uid()}` });
    await expect(signUp({ input: again })).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: { email: ["An account with this e-mail address already exists. Log in or reset your password."] },
    });
    expect(await db.account.count({ where: { name: again.accountName } })).toBe(0);
    expect(await db.user.count({ where: { email: first.email } })).toBe(1);
  });

  it("lets exactly one of two simultaneous sign-ups for one address through", async () => {
    const email = randomEmail("race");
    const results = await Promise.allSettled([
      signUp({ input: signUpSchema.parse({ ...valid(), email }) }),
      signUp({ input: signUpSchema.parse({ ...valid(), email }) }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.user.count({ where: { email } })).toBe(1);
  });
});

describe("signUpSchema", () => {
  const errorsFor = (patch: Record<string, unknown>) => {
    const r = signUpSchema.safeParse({ ...valid(), ...patch });
    return r.success ? {} : r.error.flatten().fieldErrors;
  };
  it("explains an invalid e-mail, a short password, a bad country and a 100 KB name", () => {
    expect(errorsFor({ email: "not-an-email" }).email).toEqual(["Enter a valid e-mail address."]);
    expect(errorsFor({ password: "short" }).password).toEqual(["Password must be at least 10 characters."]);
    expect(errorsFor({ country: "USA" }).country?.[0]).toMatch(/two-letter/);
    expect(errorsFor({ name: "x".repeat(100_000) }).name).toEqual(["Your name must be at most 120 characters."]);
    expect(errorsFor({ name: "   " }).name).toEqual(["Your name is required."]);
  });
  it("normalises the e-mail to lower case", () => {
    expect(signUpSchema.parse({ ...valid(), email: "Foo@Example.TEST" }).email).toBe("foo@example.test");
  });
});
