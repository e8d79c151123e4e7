// Parses one OpenSSH public key line ("ssh-ed25519 AAAA… comment") by decoding its wire
// format, not by pattern alone: the type named in the text must match the type inside the
// blob, and an RSA modulus is measured in bits. What it accepts ends up in the jail's
// authorized_keys, so it protects the jail from keys weaker than the house minimum and the
// host from anything that is not a key.
import crypto from "node:crypto";

export const MIN_RSA_BITS = 2048;

export type ParsedSshKey = {
  type: "ssh-ed25519" | "ssh-rsa";
  bits: number;
  /** base64 of the wire blob */
  blob: string;
  comment: string;
  /** SHA256:… as `ssh-keygen -l` prints it */
  fingerprint: string;
  /** The normalised authorized_keys line: type, blob and comment, single-spaced. */
  line: string;
};

export type SshKeyParseResult = { ok: true; key: ParsedSshKey } | { ok: false; error: string };

function readString(buf: Buffer, offset: number): { value: Buffer; next: number } | null {
  if (offset + 4 > buf.length) return null;
  const len = buf.readUInt32BE(offset);
  const start = offset + 4;
  if (len > buf.length - start) return null;
  return { value: buf.subarray(start, start + len), next: start + len };
}

/** Bit length of an SSH mpint (big-endian two's complement, positive for an RSA modulus). */
function mpintBits(m: Buffer): number {
  let i = 0;
  while (i < m.length && m[i] === 0) i++;
  if (i === m.length) return 0;
  return (m.length - i - 1) * 8 + (32 - Math.clz32(m[i]!));
}

export function parseSshPublicKey(input: string): SshKeyParseResult {
  const text = input.trim();
  if (!text) return { ok: false, error: "Paste a public key." };
  if (/[\r\n]/.test(text)) return { ok: false, error: "Paste one key, on one line." };
  if (/PRIVATE KEY/.test(text))
    return { ok: false, error: "That is a private key. Paste the public key (the .pub file) and keep the private key to yourself." };
  const parts = text.split(/\s+/);
  const [type, b64, ...rest] = parts;
  if (type !== "ssh-ed25519" && type !== "ssh-rsa") {
    if (type && /^(ssh-dss|ecdsa-sha2-|sk-)/.test(type))
      return { ok: false, error: `${type} keys are not accepted. Use an ed25519 key, or RSA with at least ${MIN_RSA_BITS} bits.` };
    return { ok: false, error: "That is not an OpenSSH public key. It should start with ssh-ed25519 or ssh-rsa." };
  }
  if (!b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return { ok: false, error: "The key data is not valid base64." };
  const blob = Buffer.from(b64, "base64");
  const name = readString(blob, 0);
  if (!name || name.value.toString("latin1") !== type)
    return { ok: false, error: "The key data does not match its type: it is damaged or not a key." };
  let bits: number;
  if (type === "ssh-ed25519") {
    const pk = readString(blob, name.next);
    if (!pk || pk.value.length !== 32 || pk.next !== blob.length) return { ok: false, error: "The ed25519 key data is damaged." };
    bits = 256;
  } else {
    const e = readString(blob, name.next);
    const n = e && readString(blob, e.next);
    if (!e || !n || n.next !== blob.length || e.value.length === 0 || e.value.length > 8)
      return { ok: false, error: "The RSA key data is damaged." };
    bits = mpintBits(n.value);
    if (bits < MIN_RSA_BITS)
      return { ok: false, error: `This RSA key has ${bits} bits. Use at least ${MIN_RSA_BITS} bits, or an ed25519 key.` };
  }
  const comment = rest.join(" ").slice(0, 200);
  if (/[^\x20-\x7e]/.test(comment)) return { ok: false, error: "The key comment may contain printable ASCII only." };
  const fingerprint = "SHA256:" + crypto.createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
  const canonical = blob.toString("base64");
  return {
    ok: true,
    key: { type, bits, blob: canonical, comment, fingerprint, line: [type, canonical, comment].filter(Boolean).join(" ") },
  };
}
