"use client";
// "Use a passkey" at sign-in's second step: asks the server for a challenge bound to this
// sign-in's ticket, lets the browser's dialog sign it, and posts the answer; the server checks
// it (lib/domain/accounts/passkeys.ts) and starts the session, or says why not.
import { useState, useTransition } from "react";
import { browserSupportsWebAuthn, startAuthentication } from "@simplewebauthn/browser";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { passkeyCeremonyError, wrongOrigin } from "@/components/account/passkey-errors";
import { beginPasskeySignInAction, passkeySignInAction } from "./actions";

export function PasskeySignIn({ callbackUrl, origin }: { callbackUrl?: string; origin: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const use = () =>
    startTransition(async () => {
      setError(null);
      const elsewhere = wrongOrigin(origin);
      if (elsewhere) return setError(elsewhere);
      if (!browserSupportsWebAuthn()) return setError("This browser cannot use passkeys. Enter a code instead.");
      const begin = await beginPasskeySignInAction(undefined, new FormData());
      if (!begin.ok || !begin.data) return setError(begin.error ?? "Try again.");
      let response;
      try {
        response = await startAuthentication({ optionsJSON: begin.data.options });
      } catch (err) {
        return setError(passkeyCeremonyError(err));
      }
      const form = new FormData();
      form.set("response", JSON.stringify(response));
      if (callbackUrl) form.set("callbackUrl", callbackUrl);
      // On success the action redirects (the session has started); only a refusal comes back.
      const done = await passkeySignInAction(undefined, form);
      if (done?.error) setError(done.error);
    });
  return (
    <div className="space-y-3" data-testid="passkey-sign-in">
      {error && <Alert tone="error">{error}</Alert>}
      <Button variant="secondary" className="w-full" onClick={use} disabled={pending}>
        {pending ? "Waiting for your passkey…" : "Use a passkey"}
      </Button>
    </div>
  );
}
