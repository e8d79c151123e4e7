// Links to the admin pages of a jail, a host and a customer account, styled as table cells show them.
import Link from "next/link";

/** A jail's hostname, linked to its admin page. */
export function JailLink({
  jail,
  className = "font-medium text-brand-700 hover:underline",
}: {
  jail: { id: string; hostname: string };
  className?: string;
}) {
  return (
    <Link href={`/admin/jails/${jail.id}`} className={className}>
      {jail.hostname}
    </Link>
  );
}

/** A host's name, linked to its admin page. */
export function HostLink({ host, className = "hover:underline" }: { host: { id: string; name: string }; className?: string }) {
  return (
    <Link href={`/admin/hosts/${host.id}`} className={className}>
      {host.name}
    </Link>
  );
}

/** A customer account's name, linked to its admin page. */
export function AccountLink({ account, className = "hover:underline" }: { account: { id: string; name: string }; className?: string }) {
  return (
    <Link href={`/admin/customers/${account.id}`} className={className}>
      {account.name}
    </Link>
  );
}
