import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, TEST_PASSWORD, uid } from "@/lib/test/factories";
import { authenticate } from "./authenticate";
import { loginAttemptKeys } from "./login-rate-limit";

const failures = (key: string | null) => db.loginAttempt.count({ where: { key: key!, success: false } });

const ip = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe("authenticate", () => {
  it("accepts the right password and never returns the hash", async () => {
    const { user } = await createCustomer();
    const result = await authenticate({ email: user.email.toUpperCase(), password: TEST_PASSWORD, ip: ip() });
    expect(result.status).toBe("signed-in");
    if (result.status !== "signed-in") return;
    expect(result.user.id).toBe(user.id);
    expect(result.user).not.toHaveProperty("passwordHash");
  });

  it("gives the same answer for a wrong password and an unknown address", async () => {
    const { user } = await createCustomer();
    await expect(authenticate({ email: user.email, password: "wrong password", ip: ip() })).rejects.toThrow(
      "Wrong e-mail address or password.",
    );
    await expect(authenticate({ email: `nobody-${uid()}@example.test`, password: "x", ip: ip() })).rejects.toThrow(
      "Wrong e-mail address or password.",
    );
  });

  it("locks an address after 5 failures, even with the right password, whatever the IP", async () => {
    const { user } = await createCustomer();
    for (let i = 0; i < 5; i++) {
      await expect(authenticate({ email: user.email, password: "nope", ip: ip() })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    }
    await expect(authenticate({ email: user.email, password: TEST_PASSWORD, ip: ip() })).rejects.toMatchObject({
      code: "RATE_LIMITED",
      message: expect.stringMatching(/Too many failed sign-in attempts\. Try again in \d+ minutes?/),
    });
  });

  it("locks an IP after 20 failures across many addresses", async () => {
    const address = ip();
    for (let i = 0; i < 20; i++) {
      await expect(authenticate({ email: `spray-${uid()}@example.test`, password: "guess", ip: address })).rejects.toMatchObject({
        code: "UNAUTHENTICATED",
      });
    }
    expect(await failures(loginAttemptKeys("any@example.test", address).ip)).toBe(20);
    const { user } = await createCustomer();
    await expect(authenticate({ email: user.email, password: TEST_PASSWORD, ip: address })).rejects.toMatchObject({ code: "RATE_LIMITED" });
    // The same user from another address is fine: the lock is on the IP, not the account.
    await expect(authenticate({ email: user.email, password: TEST_PASSWORD, ip: ip() })).resolves.toMatchObject({ user: { id: user.id } });
  });

  it("forgets an address's earlier failures after a successful sign-in", async () => {
    const { user } = await createCustomer();
    const keys = loginAttemptKeys(user.email, null);
    for (let i = 0; i < 4; i++) {
      await expect(authenticate({ email: user.email, password: "nope", ip: ip() })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    }
    expect(await failures(keys.email)).toBe(4); // each failure was recorded…
    await expect(authenticate({ email: user.email.toUpperCase(), password: TEST_PASSWORD, ip: ip() })).resolves.toMatchObject({
      user: { id: user.id },
    });
    expect(await failures(keys.email)).toBe(0); // …and the success forgave them
  });
});
