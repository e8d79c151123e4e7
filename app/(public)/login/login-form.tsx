"use client";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/button";

const inputClass =
  "block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-none focus:ring-2 focus:ring-brand-500/40";

export function LoginForm({ callbackUrl, notice, initialError }: { callbackUrl: string; notice?: string; initialError?: string }) {
  const [error, setError] = useState<string | null>(initialError ?? null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const res = await signIn("credentials", {
      email: String(data.get("email") ?? ""),
      password: String(data.get("password") ?? ""),
      redirect: false,
      callbackUrl,
    });
    if (!res || res.error) {
      setPending(false);
      setError(res?.error && res.error !== "CredentialsSignin" ? res.error : "Wrong e-mail address or password.");
      return;
    }
    window.location.assign(callbackUrl);
  }

  return (
    // method="post": if a submit lands before hydration, the browser must not put the
    // password in a GET query string (and so in history and access logs).
    <form onSubmit={onSubmit} method="post" className="space-y-4" aria-label="Log in">
      {notice && !error && <Alert tone="success">{notice}</Alert>}
      {error && <Alert tone="error">{error}</Alert>}
      <div>
        <label htmlFor="email" className="mb-1 block text-sm font-medium text-zinc-800">
          E-mail
        </label>
        <input id="email" name="email" type="email" autoComplete="email" required className={inputClass} />
      </div>
      <div>
        <div className="mb-1 flex items-baseline justify-between">
          <label htmlFor="password" className="block text-sm font-medium text-zinc-800">
            Password
          </label>
          <Link href="/forgot-password" className="text-xs font-medium text-brand-600 hover:underline">
            Forgot your password?
          </Link>
        </div>
        <input id="password" name="password" type="password" autoComplete="current-password" required className={inputClass} />
      </div>
      <button type="submit" className={buttonClass("primary", "md", "w-full")} disabled={pending}>
        {pending && <Spinner />}
        {pending ? "Logging in…" : "Log in"}
      </button>
    </form>
  );
}
