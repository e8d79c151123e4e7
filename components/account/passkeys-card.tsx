// The passkeys card of a person's own settings (the customer's account page, the staff
// two-factor page): reads the list through the domain; the panel does the rest in the browser.
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { relyingParty } from "@/lib/auth/webauthn";
import { listPasskeys } from "@/lib/domain/accounts/passkeys";
import type { PersonActor } from "@/lib/domain/actor";
import { PasskeysPanel } from "./passkeys-panel";

export async function PasskeysCard({ actor }: { actor: PersonActor }) {
  const passkeys = await listPasskeys({ actor });
  return (
    <Card>
      <CardHeader
        title="Passkeys"
        description="A passkey on your phone, computer or security key, asked for after your password instead of a code."
      />
      <CardBody>
        <PasskeysPanel
          origin={relyingParty().origin}
          passkeys={passkeys.map((p) => ({
            id: p.id,
            name: p.name,
            backedUp: p.backedUp,
            createdAt: p.createdAt.toISOString(),
            lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
          }))}
        />
      </CardBody>
    </Card>
  );
}
