import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getCurrentUser, homeFor } from "@/lib/auth/session";
import { safeNextPath } from "@/lib/http/safe-next-path";
import { SignUpForm } from "./signup-form";

export const metadata: Metadata = { title: "Sign up" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  const user = await getCurrentUser();
  if (user) redirect(homeFor(user.role));
  return (
    <div className="mx-auto max-w-lg px-4 py-12">
      <h1 className="text-2xl font-semibold tracking-tight">Create your Cellblock account</h1>
      <p className="mt-1 text-sm text-zinc-600">
        Already have one?{" "}
        <Link href="/login" className="font-medium text-brand-600 hover:underline">
          Log in
        </Link>
      </p>
      <div className="mt-8 rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
        <SignUpForm next={safeNextPath(next, "/dashboard")} />
      </div>
    </div>
  );
}
