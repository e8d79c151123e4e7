import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Brand } from "@/components/layout/brand";
import { SignOutButton } from "@/components/layout/sign-out-button";
import { TwoFactorCard } from "@/components/account/two-factor-card";
import { PasskeysCard } from "@/components/account/passkeys-card";
import { homeFor, requirePersonPage } from "@/lib/auth/session";
import { getTwoFactorStatus } from "@/lib/domain/accounts/two-factor";

export const metadata: Metadata = { title: "Two-factor sign-in" };

/**
 * Where staff without two-factor sign-in are sent by the console guards (lib/auth/session.ts),
 * and where staff manage it later. Customers manage theirs on /account.
 */
export default async function TwoFactorPage() {
  const user = await requirePersonPage();
  if (user.role === "CUSTOMER") redirect("/account");
  const home = homeFor(user.role);
  return (
    <div className="min-h-screen">
      <header className="flex h-14 items-center justify-between border-b border-zinc-200 bg-white px-4 sm:px-6">
        <Brand href={home} />
        <div className="flex items-center gap-3">
          <p className="hidden text-xs text-zinc-500 sm:block">
            {user.email} · {user.role.toLowerCase()}
          </p>
          <SignOutButton />
        </div>
      </header>
      <main className="mx-auto max-w-xl px-4 py-10">
        <h1 className="text-2xl font-semibold tracking-tight">Two-factor sign-in</h1>
        <p className="mt-1 mb-6 text-sm text-zinc-600">
          {user.twoFactorEnabled
            ? "Your login is protected by a second factor."
            : "The consoles are open to staff who sign in with a second factor: an authenticator app or a passkey. Set one up to continue."}
        </p>
        <div className="space-y-6">
          <TwoFactorCard actor={user.actor} continueTo={home} />
          <PasskeysCard actor={user.actor} />
          {/* The TOTP card has this link when the app is on; a login with only a passkey gets it here. */}
          {user.twoFactorEnabled && (await getTwoFactorStatus({ actor: user.actor })).state !== "on" && (
            <a href={home} className="inline-block text-sm font-medium text-brand-600 hover:underline">
              Continue to the console
            </a>
          )}
        </div>
      </main>
    </div>
  );
}
