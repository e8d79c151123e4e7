"use client";
// A person's passkeys: the list (name, added, last used), "Add a passkey" (name it, then the
// browser's own dialog) and removal behind the password or a code. The WebAuthn ceremony runs
// in the browser through @simplewebauthn/browser; every check happens on the server
// (lib/domain/accounts/passkeys.ts).
import { useActionState, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { browserSupportsWebAuthn, startRegistration } from "@simplewebauthn/browser";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { ActionState } from "@/lib/actions/action-state";
import { beginPasskeyRegistrationAction, finishPasskeyRegistrationAction, removePasskeyAction } from "@/app/two-factor/actions";
import { ProofForm } from "./two-factor-panel";
import { passkeyCeremonyError, wrongOrigin } from "./passkey-errors";

export type PasskeyRow = { id: string; name: string; createdAt: string; lastUsedAt: string | null; backedUp: boolean };

const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString("en-GB") : "never");

export function PasskeysPanel({ passkeys, origin }: { passkeys: PasskeyRow[]; origin: string }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [state, setState] = useState<ActionState>({});
  const [pending, startTransition] = useTransition();
  // One removal at a time: its answer lives here, as the row it came from is gone afterwards.
  const [removeState, removeAction] = useActionState(removePasskeyAction, {} as ActionState);

  const add = () =>
    startTransition(async () => {
      const elsewhere = wrongOrigin(origin);
      if (elsewhere) return setState({ error: elsewhere });
      if (!browserSupportsWebAuthn()) return setState({ error: "This browser cannot use passkeys." });
      const begin = await beginPasskeyRegistrationAction(undefined, new FormData());
      if (!begin.ok || !begin.data) return setState(begin);
      let response;
      try {
        response = await startRegistration({ optionsJSON: begin.data.options });
      } catch (err) {
        return setState({ error: passkeyCeremonyError(err) });
      }
      const form = new FormData();
      form.set("name", name);
      form.set("response", JSON.stringify(response));
      const done = await finishPasskeyRegistrationAction(undefined, form);
      setState(done);
      if (done.ok) {
        setName("");
        router.refresh();
      }
    });

  return (
    <div className="space-y-4" data-testid="passkeys">
      {removeState.ok && removeState.message && <Alert tone="success">{removeState.message}</Alert>}
      {removeState.error && <Alert tone="error">{removeState.error}</Alert>}
      {passkeys.length === 0 ? (
        <p className="text-sm text-zinc-600">
          None yet. A passkey is a key kept by your phone, computer or security key; at sign-in it replaces the code from your app.
        </p>
      ) : (
        <ul className="divide-y divide-zinc-100 rounded-md border border-zinc-200" aria-label="Your passkeys">
          {passkeys.map((p) => (
            <li key={p.id} className="space-y-2 p-3 text-sm" data-testid="passkey">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <span className="font-medium text-zinc-900">{p.name}</span>
                <span className="text-xs text-zinc-500">
                  added {day(p.createdAt)} · last used {day(p.lastUsedAt)}
                  {p.backedUp ? " · synced" : ""}
                </span>
              </div>
              <ProofForm
                bound={{ state: removeState, formAction: removeAction }}
                fields={{ passkeyId: p.id }}
                label="Remove"
                formName={`Remove passkey ${p.name}`}
                confirmLabel="Remove this passkey"
                question={`"${p.name}" will no longer sign you in, and your other sessions end.`}
                variant="danger"
              />
            </li>
          ))}
        </ul>
      )}
      <form
        aria-label="Add a passkey"
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        {state.error && <Alert tone="error">{state.error}</Alert>}
        {state.ok && state.message && <Alert tone="success">{state.message}</Alert>}
        <div>
          <label htmlFor="passkey-name" className="mb-1 block text-sm font-medium text-zinc-800">
            Name for a new passkey
          </label>
          <input
            id="passkey-name"
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={60}
            placeholder="e.g. Laptop fingerprint, YubiKey"
            className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm"
          />
          {state.fieldErrors?.name?.map((m) => (
            <p key={m} className="mt-1 text-xs font-medium text-red-600" role="alert">
              {m}
            </p>
          ))}
        </div>
        <Button type="submit" size="sm" disabled={pending}>
          {pending ? "Waiting for your passkey…" : "Add a passkey"}
        </Button>
      </form>
    </div>
  );
}
