"use client";
// Making, showing once and revoking API tokens. The token in clear is only in the create
// action's answer: it stays on screen (with a copy button) until "Done", and is never shown again.
import { useActionState, useState } from "react";
import { ActionForm, BoundActionForm } from "@/components/forms/action-form";
import { SelectField, TextField } from "@/components/forms/fields";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionState } from "@/lib/actions/action-state";
import { createApiTokenAction, revokeApiTokenAction } from "@/app/api-tokens/actions";

export type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  access: string;
  status: "active" | "expired" | "revoked";
  created: string;
  expires: string;
  lastUsed: string;
};

type Made = ActionState<{ token: string; name: string }>;

function ShownOnce({ made, onDone }: { made: { token: string; name: string }; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-3" data-testid="new-api-token">
      <Alert tone="warning" title="Copy this token now. It is shown once.">
        Cellblock keeps only a fingerprint of it and cannot show it again. Send it as <code>Authorization: Bearer …</code>.
      </Alert>
      <p className="text-sm text-zinc-700">{made.name}</p>
      <p className="break-all rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-sm select-all" aria-label="New API token">
        {made.token}
      </p>
      <div className="flex gap-2">
        <Button
          variant="secondary"
          size="sm"
          onClick={() => {
            void navigator.clipboard?.writeText(made.token).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy token"}
        </Button>
        <Button size="sm" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}

function RevokeButton({ row }: { row: TokenRow }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <Button variant="secondary" size="sm" onClick={() => setAsking(true)}>
        Revoke
      </Button>
    );
  return (
    <ActionForm action={revokeApiTokenAction} aria-label={`Revoke ${row.name}`} className="space-y-2">
      <input type="hidden" name="tokenId" value={row.id} />
      <p className="text-sm text-amber-900" role="status">
        Revoke “{row.name}”? Anything using it stops working at once.
      </p>
      <div className="flex gap-2">
        <SubmitButton variant="danger" size="sm" pendingLabel="Revoking…">
          Revoke token
        </SubmitButton>
        <Button variant="ghost" size="sm" onClick={() => setAsking(false)}>
          Keep
        </Button>
      </div>
    </ActionForm>
  );
}

const tone = { active: "green", expired: "gray", revoked: "red" } as const;

export function ApiTokensPanel({ rows }: { rows: TokenRow[] }) {
  const [state, formAction] = useActionState(createApiTokenAction, {} as Made);
  const [dismissed, setDismissed] = useState<Made | null>(null);
  const made = state.ok && state.data && state !== dismissed ? state.data : null;
  return (
    <div className="space-y-6">
      {made ? (
        <ShownOnce made={made} onDone={() => setDismissed(state)} />
      ) : (
        <BoundActionForm state={state} formAction={formAction} aria-label="New API token" resetOnSuccess>
          <TextField
            name="name"
            id="api-token-name"
            label="Name"
            hint="What uses it, e.g. “billing sync” or “deploy script”."
            maxLength={80}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField
              name="access"
              label="Access"
              defaultValue="read"
              options={[
                { value: "read", label: "Read only" },
                { value: "write", label: "Read and write" },
              ]}
            />
            <SelectField
              name="expiresInDays"
              label="Expires after"
              defaultValue="90"
              options={[
                { value: "7", label: "7 days" },
                { value: "30", label: "30 days" },
                { value: "90", label: "90 days" },
                { value: "365", label: "1 year" },
              ]}
            />
          </div>
          <SubmitButton pendingLabel="Making…">Make token</SubmitButton>
        </BoundActionForm>
      )}
      {rows.length === 0 ? (
        <p className="text-sm text-zinc-500">No tokens yet.</p>
      ) : (
        <ul className="divide-y divide-zinc-100 rounded-md border border-zinc-200" aria-label="API tokens">
          {rows.map((row) => (
            <li key={row.id} className="flex flex-wrap items-start justify-between gap-3 p-3" data-testid="api-token-row">
              <div className="min-w-0 text-sm">
                <p className="font-medium text-zinc-900">
                  {row.name} <Badge tone={tone[row.status]}>{row.status}</Badge>
                </p>
                <p className="font-mono text-xs text-zinc-500">{row.prefix}…</p>
                <p className="text-xs text-zinc-500">
                  {row.access} · made {row.created} · expires {row.expires} · last used {row.lastUsed}
                </p>
              </div>
              {row.status === "active" && <RevokeButton row={row} />}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
