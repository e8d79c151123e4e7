// A software WebAuthn authenticator for integration tests: a real P-256 key pair, real
// authenticator data and signatures (WebAuthn Level 2 §6.1, §6.5.4 "none" attestation), so the
// server's checks run on the same bytes a browser would send. The end-to-end spec uses
// Chromium's own virtual authenticator instead (e2e/auth/passkeys.spec.ts).
import crypto from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";

const b64u = (b: Uint8Array | Buffer) => Buffer.from(b).toString("base64url");
const sha256 = (b: Uint8Array | string) => crypto.createHash("sha256").update(b).digest();

const UP = 0x01; // user present
const UV = 0x04; // user verified
const AT = 0x40; // attested credential data included

export function softAuthenticator({ rpId = "localhost", origin = "http://localhost:3000" }: { rpId?: string; origin?: string } = {}) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const credentialId = crypto.randomBytes(16);
  let counter = 0;
  // COSE_Key (RFC 9053): kty EC2, alg ES256, crv P-256, x, y.
  const coseKey = isoCBOR.encode(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, "base64url")],
      [-3, Buffer.from(jwk.y!, "base64url")],
    ]),
  );
  const counterBytes = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const clientData = (type: string, challenge: string) => Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));

  return {
    id: b64u(credentialId),
    /** Sets the signature counter the next assertion will carry, minus one (a cloned authenticator). */
    setCounter(n: number) {
      counter = n;
    },
    register(options: PublicKeyCredentialCreationOptionsJSON): RegistrationResponseJSON {
      const idLen = Buffer.alloc(2);
      idLen.writeUInt16BE(credentialId.length);
      const authData = Buffer.concat([
        sha256(rpId),
        Buffer.from([UP | UV | AT]),
        counterBytes(counter),
        Buffer.alloc(16),
        idLen,
        credentialId,
        coseKey,
      ]);
      const attestationObject = isoCBOR.encode(
        new Map<string, string | Uint8Array | Map<string, string>>([
          ["fmt", "none"],
          ["attStmt", new Map<string, string>()],
          ["authData", authData],
        ]),
      );
      return {
        id: b64u(credentialId),
        rawId: b64u(credentialId),
        type: "public-key",
        response: {
          clientDataJSON: b64u(clientData("webauthn.create", options.challenge)),
          attestationObject: b64u(attestationObject),
          transports: ["internal"],
        },
        clientExtensionResults: {},
      };
    },
    authenticate(options: PublicKeyCredentialRequestOptionsJSON): AuthenticationResponseJSON {
      counter += 1;
      const authData = Buffer.concat([sha256(options.rpId ?? rpId), Buffer.from([UP | UV]), counterBytes(counter)]);
      const cd = clientData("webauthn.get", options.challenge);
      // ES256 signatures are DER-encoded ECDSA over authenticatorData ‖ sha256(clientDataJSON).
      const signature = crypto.sign("sha256", Buffer.concat([authData, sha256(cd)]), privateKey);
      return {
        id: b64u(credentialId),
        rawId: b64u(credentialId),
        type: "public-key",
        response: { clientDataJSON: b64u(cd), authenticatorData: b64u(authData), signature: b64u(signature) },
        clientExtensionResults: {},
      };
    },
  };
}
