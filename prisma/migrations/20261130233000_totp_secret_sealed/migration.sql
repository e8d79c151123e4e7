-- TOTP secrets are stored sealed (AES-256-GCM under TOTP_ENCRYPTION_KEY, lib/auth/totp-secret-seal.ts)
-- from now on. SQL cannot encrypt without the key, so the column is renamed and a value still in
-- clear (enrolled before this migration: the seeded staff of a local install) is sealed by the
-- app when it is next read and by the seed pass of `npm start` (prisma/seed.ts).
ALTER TABLE "TwoFactorSecret" RENAME COLUMN "secret" TO "secretSealed";
