// Secrets for a local install, generated once and kept in the git-ignored data directory
// (mode 0600), so sessions survive a restart. Production sets them in the environment.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export function localSecret(dataDir: string, name: string, bytes = 32): string {
  const file = path.join(dataDir, name);
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const value = crypto.randomBytes(bytes).toString("base64url");
  fs.writeFileSync(file, value + "\n", { mode: 0o600 });
  return value;
}
