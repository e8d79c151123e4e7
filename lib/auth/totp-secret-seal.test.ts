import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer } from "@/lib/test/factories";
import { customerActor } from "@/lib/domain/actor";
import { beginTwoFactorEnrolment, getTwoFactorStatus } from "@/lib/domain/accounts/two-factor";
import { resealTotpSecrets } from "@/prisma/seed";
import { openTotpSecret, sealTotpSecret, sealedKeyId, totpKeyRing, TotpSealError } from "./totp-secret-seal";

const newKey = () => crypto.randomBytes(32).toString("hex");
const ringOf = (current: string, previous?: string) =>
  totpKeyRing({ TOTP_ENCRYPTION_KEY: current, TOTP_ENCRYPTION_KEY_PREVIOUS: previous });
const stored = async (userId: string) =>
  (await db.twoFactorSecret.findUniqueOrThrow({ where: { userId }, omit: { secretSealed: false } })).secretSealed;

describe("TOTP secrets sealed at rest", () => {
  it("seals with a fresh nonce under the key's id and opens only for the same login and key", () => {
    const ring = ringOf(newKey());
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const a = sealTotpSecret({ userId: "u1", secret }, ring);
    const b = sealTotpSecret({ userId: "u1", secret }, ring);
    expect(a).toMatch(/^tk1\.[0-9a-f]{8}\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(a).not.toBe(b); // a fresh nonce each time
    expect(a).not.toContain(secret);
    expect(sealedKeyId(a)).toBe(ring.current!.id);
    expect(openTotpSecret({ userId: "u1", sealed: a }, ring)).toEqual({ secret, stale: false });

    // Another login's row: the additional data differs, GCM refuses.
    expect(() => openTotpSecret({ userId: "u2", sealed: a }, ring)).toThrow(
      /does not open with key .* altered, or belongs to another login/,
    );
    // One bit of the ciphertext flipped.
    const parts = a.split(".");
    const ct = Buffer.from(parts[4]!, "base64url");
    ct[0] ^= 1;
    const tampered = [...parts.slice(0, 4), ct.toString("base64url")].join(".");
    expect(() => openTotpSecret({ userId: "u1", sealed: tampered }, ring)).toThrow(TotpSealError);
    // A truncated tag is not accepted either.
    const short = [parts[0], parts[1], parts[2], parts[3]!.slice(0, 6), parts[4]].join(".");
    expect(() => openTotpSecret({ userId: "u1", sealed: short }, ring)).toThrow(TotpSealError);
  });

  it("fails clearly under a wrong key, names both key ids, and opens under the previous key after a rotation", () => {
    const oldKey = newKey();
    const old = ringOf(oldKey);
    const sealed = sealTotpSecret({ userId: "u1", secret: "GEZDGNBVGY3TQOJQ" }, old);
    const other = ringOf(newKey());
    expect(() => openTotpSecret({ userId: "u1", sealed }, other)).toThrow(
      new RegExp(`sealed under key ${old.current!.id}, which is not configured \\(TOTP_ENCRYPTION_KEY is ${other.current!.id}\\)`),
    );
    const rotated = ringOf(newKey(), oldKey);
    expect(openTotpSecret({ userId: "u1", sealed }, rotated)).toEqual({ secret: "GEZDGNBVGY3TQOJQ", stale: true });
    expect(() => openTotpSecret({ userId: "u1", sealed: "GEZDGNBVGY3TQOJQ" }, rotated)).toThrow(/not sealed/);
  });

  it("refuses keys that are not 32 bytes, and a missing key in production, without echoing the value", () => {
    expect(() => ringOf("too-short")).toThrow(/TOTP_ENCRYPTION_KEY = \(hidden\): expected 32 random bytes/);
    expect(() => ringOf("too-short")).not.toThrow(/too-short/);
    expect(() => totpKeyRing({ NODE_ENV: "production" })).toThrow(/TOTP_ENCRYPTION_KEY = unset: required in production/);
    expect(totpKeyRing({ NODE_ENV: "development" }).current).toBeNull();
    expect(() => sealTotpSecret({ userId: "u1", secret: "GEZDGNBVGY3TQOJQ" }, totpKeyRing({}))).toThrow(/TOTP_ENCRYPTION_KEY is not set/);
    // 43 base64url characters, as npm start generates (scripts/lib/local-secrets.ts), work too.
    expect(ringOf(crypto.randomBytes(32).toString("base64url")).current?.id).toMatch(/^[0-9a-f]{8}$/);
  });

  it("keeps the stored column free of the secret, and seals again what is in clear or under an old key", async () => {
    const { user } = await createCustomer();
    const actor = customerActor({ ...user, ip: null });
    const { secret } = await beginTwoFactorEnrolment({ actor });
    const column = await stored(user.id);
    expect(column).not.toContain(secret);
    expect(column).toMatch(/^tk1\./);
    expect(sealedKeyId(column)).toBe(totpKeyRing().current!.id);

    // A row from before sealing (the seeded staff of an older local install): read, it is sealed.
    await db.twoFactorSecret.update({ where: { userId: user.id }, data: { secretSealed: secret } });
    expect(await getTwoFactorStatus({ actor })).toMatchObject({ state: "pending", secret });
    expect(await stored(user.id)).toMatch(/^tk1\./);

    // npm start's seed pass does the same for every row: one in clear…
    await db.twoFactorSecret.update({ where: { userId: user.id }, data: { secretSealed: secret } });
    expect(await resealTotpSecrets(db, totpKeyRing(), [user.id])).toBe(1);
    expect(openTotpSecret({ userId: user.id, sealed: await stored(user.id) }).secret).toBe(secret);

    // …and every row after a rotation.
    const { user: other } = await createCustomer();
    await beginTwoFactorEnrolment({ actor: customerActor({ ...other, ip: null }) });
    const oldKey = process.env.TOTP_ENCRYPTION_KEY!;
    const rotated = ringOf(newKey(), oldKey);
    expect(await resealTotpSecrets(db, rotated, [user.id, other.id])).toBe(2);
    expect(sealedKeyId(await stored(user.id))).toBe(rotated.current!.id);
    expect(openTotpSecret({ userId: user.id, sealed: await stored(user.id) }, rotated).secret).toBe(secret);
    // Put back under the suite's key for the other tests of this worker.
    expect(await resealTotpSecrets(db, { current: ringOf(oldKey).current, previous: rotated.current }, [user.id, other.id])).toBe(2);
    expect(sealedKeyId(await stored(user.id))).toBe(totpKeyRing().current!.id);
  });
});
