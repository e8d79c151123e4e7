import type { ReactNode } from "react";
import { Brand } from "./brand";
import { NavLinks, type NavItem } from "./nav-links";
import { SignOutButton } from "./sign-out-button";

/** The signed-in frame: the area's navigation on the left, who is signed in at the top. */
export function AppShell({
  area,
  nav,
  user,
  home,
  banner,
  children,
}: {
  area: string;
  nav: NavItem[];
  user: { name: string; email: string; role: string };
  home: string;
  banner?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-screen">
      <aside className="hidden w-60 shrink-0 flex-col border-r border-zinc-200 bg-white md:flex">
        <div className="flex h-14 items-center border-b border-zinc-200 px-4">
          <Brand href={home} />
        </div>
        <nav className="flex-1 px-3 py-4" aria-label={`${area} navigation`}>
          <p className="mb-2 px-3 text-xs font-semibold uppercase tracking-wide text-zinc-400">{area}</p>
          <NavLinks items={nav} />
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 items-center justify-between gap-4 border-b border-zinc-200 bg-white px-4 sm:px-6">
          <div className="md:hidden">
            <Brand href={home} />
          </div>
          <nav className="flex gap-1 overflow-x-auto md:hidden" aria-label={`${area} navigation (compact)`}>
            {nav.map((n) => (
              <a key={n.href} href={n.href} className="whitespace-nowrap rounded px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100">
                {n.label}
              </a>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-3">
            <div className="hidden text-right sm:block">
              <p className="text-sm font-medium text-zinc-900" data-testid="signed-in-as">
                {user.name}
              </p>
              <p className="text-xs text-zinc-500">
                {user.email} · {user.role.toLowerCase()}
              </p>
            </div>
            <SignOutButton />
          </div>
        </header>
        {banner}
        <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6">{children}</main>
      </div>
    </div>
  );
}
