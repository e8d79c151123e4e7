import type { NavItem } from "./nav-links";

// One list per audience. Add an entry when its page exists, not before.
export const customerNav: NavItem[] = [
  { href: "/dashboard", label: "Dashboard" },
  { href: "/jails", label: "Jails" },
  { href: "/invoices", label: "Invoices" },
  { href: "/account", label: "Account" },
];

export const adminNav: NavItem[] = [
  { href: "/admin", label: "Overview", exact: true },
  { href: "/admin/customers", label: "Customers" },
  { href: "/admin/jails", label: "Jails" },
  { href: "/admin/hosts", label: "Hosts" },
  { href: "/admin/ip-pools", label: "IP pools" },
  { href: "/admin/plans", label: "Plans" },
  { href: "/admin/templates", label: "Templates" },
  { href: "/admin/jobs", label: "Jobs" },
  { href: "/admin/staff", label: "Staff" },
  { href: "/admin/outbox", label: "Mail outbox" },
  { href: "/admin/reserved-names", label: "Reserved names" },
  { href: "/admin/audit", label: "Audit log" },
  { href: "/two-factor", label: "Two-factor sign-in" },
  { href: "/api-tokens", label: "API tokens" },
];

export const billingNav: NavItem[] = [
  { href: "/billing", label: "Overview", exact: true },
  { href: "/billing/reviews", label: "Overage review" },
  { href: "/billing/invoices", label: "Invoices" },
  { href: "/billing/accounts", label: "Accounts" },
  { href: "/billing/tax", label: "Tax rates" },
  { href: "/two-factor", label: "Two-factor sign-in" },
  { href: "/api-tokens", label: "API tokens" },
];
