// The API-tokens card of a person's own settings (the customer's account page, staff's
// /api-tokens page): the list read through the domain, and the client panel that makes and
// revokes tokens.
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { listApiTokens } from "@/lib/domain/api-tokens/manage-api-tokens";
import type { PersonActor } from "@/lib/domain/actor";
import { formatDateTime } from "@/lib/format";
import { ApiTokensPanel, type TokenRow } from "./api-tokens-panel";

export async function ApiTokensCard({ actor }: { actor: PersonActor }) {
  const tokens = await listApiTokens({ actor });
  const rows: TokenRow[] = tokens.map((t) => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    access: t.scopes.some((s) => s.endsWith("write")) ? "read and write" : "read only",
    status: t.status,
    created: formatDateTime(t.createdAt),
    expires: formatDateTime(t.expiresAt),
    lastUsed: t.lastUsedAt ? formatDateTime(t.lastUsedAt) : "never",
  }));
  return (
    <Card>
      <CardHeader
        title="API tokens"
        description={
          <>
            Personal access tokens for the REST API (
            <a href="/api-docs" className="font-medium text-brand-600 hover:underline">
              reference
            </a>
            ). A token acts as you{actor.kind === "staff" ? " with staff scopes" : " on your account"}; keep it secret and revoke it when it
            is no longer used.
          </>
        }
      />
      <CardBody>
        <ApiTokensPanel rows={rows} />
      </CardBody>
    </Card>
  );
}
