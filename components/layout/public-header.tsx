import Link from "next/link";
import { buttonClass } from "@/components/ui/button-styles";
import { Brand } from "./brand";

export function PublicHeader({ signedInHome }: { signedInHome?: string }) {
  return (
    <header className="border-b border-zinc-200 bg-white">
      <div className="mx-auto flex h-14 max-w-6xl items-center justify-between px-4 sm:px-6">
        <Brand />
        <nav className="flex items-center gap-2 text-sm">
          <Link href="/plans" className="rounded px-3 py-2 text-zinc-700 hover:bg-zinc-100">
            Plans
          </Link>
          {signedInHome ? (
            <Link href={signedInHome} className={buttonClass("primary", "sm")}>
              Open console
            </Link>
          ) : (
            <>
              <Link href="/login" className="rounded px-3 py-2 text-zinc-700 hover:bg-zinc-100">
                Log in
              </Link>
              <Link href="/signup" className={buttonClass("primary", "sm")}>
                Sign up
              </Link>
            </>
          )}
        </nav>
      </div>
    </header>
  );
}
