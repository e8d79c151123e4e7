import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getCurrentUser, homeFor } from "@/lib/auth/session";
import { safeNextPath } from "@/lib/http/safe-next-path";
import { currentSecondFactorTicket } from "@/lib/auth/second-factor-ticket";
import { relyingParty } from "@/lib/auth/webauthn";
import { countPasskeys } from "@/lib/domain/accounts/passkeys";
import { LoginForm, SecondFactorForm } from "./login-form";

export const metadata: Metadata = { title: "Log in" };

const NOTICES: Record<string, string> = {
  signedOut: "You are logged out.",
  reset: "Your password was changed. Log in with the new one.",
  changed: "Your password was changed and your other sessions were ended. Log in again.",
};

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{
    callbackUrl?: string;
    signedOut?: string;
    reset?: string;
    changed?: string;
    error?: string;
    step?: string;
    expired?: string;
  }>;
}) {
  const params = await searchParams;
  const user = await getCurrentUser();
  if (user) redirect(safeNextPath(params.callbackUrl, homeFor(user.role)));
  const notice = params.signedOut ? NOTICES.signedOut : params.reset ? NOTICES.reset : params.changed ? NOTICES.changed : undefined;
  const callbackUrl = params.callbackUrl ? safeNextPath(params.callbackUrl, "") || undefined : undefined;
  // The code step only with a valid "password ok" ticket; without one (expired, or a crafted
  // link) it is the password form again.
  const ticket = params.step === "code" ? await currentSecondFactorTicket() : null;
  const askCode = ticket !== null;
  const expired =
    params.expired || (params.step === "code" && !askCode)
      ? "Your sign-in expired. Enter your e-mail address and password again."
      : undefined;
  if (askCode) {
    return (
      <div className="mx-auto max-w-sm px-4 py-16">
        <h1 className="text-2xl font-semibold tracking-tight">Two-factor sign-in</h1>
        <p className="mt-1 text-sm text-zinc-600">Your password was right. Now prove it is you with your second factor.</p>
        <div className="mt-8 rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
          <SecondFactorForm
            callbackUrl={callbackUrl}
            // "Use a passkey" beside the code, for a login that has one.
            passkeyOrigin={(await countPasskeys({ userId: ticket.userId })) > 0 ? relyingParty().origin : undefined}
          />
        </div>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-sm px-4 py-16">
      <h1 className="text-2xl font-semibold tracking-tight">Log in to Cellblock</h1>
      <p className="mt-1 text-sm text-zinc-600">
        New here?{" "}
        <Link
          href={params.callbackUrl ? `/signup?next=${encodeURIComponent(safeNextPath(params.callbackUrl, "/dashboard"))}` : "/signup"}
          className="font-medium text-brand-600 hover:underline"
        >
          Create an account
        </Link>
      </p>
      <div className="mt-8 rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
        <LoginForm
          // Without one, the action sends each role to its own home.
          callbackUrl={callbackUrl}
          notice={notice}
          // next-auth redirects here with ?error=… after a failed non-JavaScript sign-in. The text
          // is not shown as given (anyone can craft the link), only a fixed message.
          initialError={params.error ? "Sign-in failed. Check your e-mail address and password and try again." : expired}
        />
      </div>
    </div>
  );
}
