// The two-factor card of a person's own settings (the customer's account page, the staff
// enrolment page): reads the state through the domain and draws the QR code on the server, as a
// data: URL (the CSP allows img data:; nothing is fetched from elsewhere).
import QRCode from "qrcode";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getTwoFactorStatus } from "@/lib/domain/accounts/two-factor";
import type { PersonActor } from "@/lib/domain/actor";
import { TwoFactorPanel, type TwoFactorPanelStatus } from "./two-factor-panel";

export async function TwoFactorCard({ actor, continueTo }: { actor: PersonActor; continueTo?: string }) {
  const status = await getTwoFactorStatus({ actor });
  let panel: TwoFactorPanelStatus;
  let qr: React.ReactNode = null;
  if (status.state === "pending") {
    panel = { state: "pending", required: status.required, secret: status.secret };
    const src = await QRCode.toDataURL(status.uri, { errorCorrectionLevel: "M", margin: 1, width: 180 });
    qr = (
      // eslint-disable-next-line @next/next/no-img-element -- a data: URL, nothing for next/image to optimise
      <img
        src={src}
        width={180}
        height={180}
        alt="QR code to scan with your authenticator app"
        className="rounded border border-zinc-200"
      />
    );
  } else if (status.state === "on") {
    panel = {
      state: "on",
      required: status.required,
      enabledAt: status.enabledAt.toISOString(),
      recoveryCodesLeft: status.recoveryCodesLeft,
    };
  } else {
    panel = status;
  }
  return (
    <Card>
      <CardHeader title="Two-factor sign-in" description="A code from an authenticator app on your phone, asked for after your password." />
      <CardBody>
        <TwoFactorPanel status={panel} qr={qr} continueTo={continueTo} />
      </CardBody>
    </Card>
  );
}
