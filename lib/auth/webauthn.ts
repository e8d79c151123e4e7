// Who the relying party is, for WebAuthn (passkeys): derived from the panel's public URL
// (APP_URL), never from the request, so a request to another host name cannot get the browser
// to sign for it.
//
// WebAuthn (W3C WebAuthn Level 2, §5.1.3 and §13.4.9) takes a domain as the RP ID and refuses IP
// addresses; browsers treat http://localhost as a secure context, where WebAuthn works without
// TLS. So a panel whose APP_URL is a loopback address (127.0.0.1, [::1]: `npm start` and the
// tests) is its own relying party under the name "localhost", at http://localhost:<port>.
// Anywhere else, APP_URL must be https for browsers to offer passkeys at all.
import { webConfig } from "@/lib/config/server";

export type RelyingParty = { id: string; name: string; origin: string };

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * The relying party for `appUrl` (APP_URL by default).
 * @returns id (the RP ID, a host name), name (shown by the authenticator), origin (the one
 *   origin whose responses are accepted).
 */
export function relyingParty(appUrl: string = webConfig().APP_URL): RelyingParty {
  const url = new URL(appUrl);
  if (LOOPBACK.test(url.hostname)) {
    const local = new URL(url.origin);
    local.hostname = "localhost";
    return { id: "localhost", name: "Cellblock", origin: local.origin };
  }
  return { id: url.hostname, name: "Cellblock", origin: url.origin };
}
