import Link from "next/link";

export function Brand({ href = "/" }: { href?: string }) {
  return (
    <Link href={href} className="flex items-center gap-2 font-semibold tracking-tight text-zinc-900">
      <span className="flex h-7 w-7 items-center justify-center rounded-md bg-brand-600 text-white" aria-hidden>
        <svg viewBox="0 0 24 24" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="2.2">
          <rect x="4" y="4" width="16" height="16" rx="1.5" />
          <path d="M9 4v16M15 4v16" />
        </svg>
      </span>
      Cellblock
    </Link>
  );
}
