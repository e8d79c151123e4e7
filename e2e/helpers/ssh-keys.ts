import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A fresh OpenSSH public key line and its SHA256 fingerprint, made by ssh-keygen. */
export function makeSshKey(type: "ed25519" | "rsa" = "ed25519", bits?: number): { line: string; fingerprint: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cb-e2e-key-"));
  const file = path.join(dir, "key");
  try {
    execFileSync("ssh-keygen", ["-q", "-t", type, ...(bits ? ["-b", String(bits)] : []), "-N", "", "-C", "e2e@cellblock", "-f", file]);
    const line = fs.readFileSync(`${file}.pub`, "utf8").trim();
    const fingerprint = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", `${file}.pub`], { encoding: "utf8" }).split(" ")[1]!;
    return { line, fingerprint };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
