import Link from "next/link";
import { PlanCards } from "@/components/catalog/plan-cards";
import { buttonClass } from "@/components/ui/button-styles";
import { listActivePlans } from "@/lib/domain/catalog/list-plans";

export const dynamic = "force-dynamic";

export default async function LandingPage() {
  const plans = await listActivePlans();
  return (
    <>
      <section className="bg-gradient-to-b from-brand-50 to-zinc-50">
        <div className="mx-auto max-w-6xl px-4 py-20 sm:px-6">
          <p className="text-sm font-semibold uppercase tracking-wider text-brand-600">FreeBSD jails, by the month</p>
          <h1 className="mt-3 max-w-3xl text-4xl font-semibold tracking-tight text-zinc-900 sm:text-5xl">
            Your own server. You have root.
          </h1>
          <p className="mt-5 max-w-2xl text-lg text-zinc-600">
            A jail is a complete FreeBSD userland with its own hostname, its own addresses and its own root login — isolated from every
            other customer, sharing one fast kernel. Run Python, Zope, cron, an IRC server or a web server on port 8080. Order one and it is
            up in seconds.
          </p>
          <div className="mt-8 flex gap-3">
            <Link href="/signup" className={buttonClass("primary", "md")}>
              Get a jail
            </Link>
            <Link href="/plans" className={buttonClass("secondary", "md")}>
              Compare plans
            </Link>
          </div>
        </div>
      </section>
      <section className="mx-auto max-w-6xl px-4 py-16 sm:px-6">
        <h2 className="mb-8 text-2xl font-semibold tracking-tight">Plans</h2>
        <PlanCards plans={plans} orderHref={(slug) => `/order?plan=${slug}`} />
        <p className="mt-8 text-sm text-zinc-500">
          Over your disk quota? You get a month to trim it — log files explode sometimes — before anything is charged.
        </p>
      </section>
    </>
  );
}
