import Link from "next/link";
import type { ReactNode } from "react";

export function Stat({ label, value, href, hint }: { label: string; value: ReactNode; href?: string; hint?: ReactNode }) {
  const body = (
    <div className="rounded-lg border border-zinc-200 bg-white p-5 shadow-sm transition-colors hover:border-zinc-300">
      <p className="text-sm text-zinc-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold tracking-tight text-zinc-900">{value}</p>
      {hint && <p className="mt-1 text-xs text-zinc-500">{hint}</p>}
    </div>
  );
  return href ? <Link href={href}>{body}</Link> : body;
}
