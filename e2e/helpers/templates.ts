// Which template an order uses. The default customer template is a real Debian server (built on
// the host once, then unpacked per jail); specs that only need a container that runs pick the
// tiny busybox one explicitly, so they stay fast and never wait on a template build.
import type { Locator, Page } from "@playwright/test";

/** The seed's busybox template on the lxc driver (prisma/seed.ts: slug freebsd-base). */
export const FAST_TEMPLATE = { slug: "freebsd-base", name: "FreeBSD base" } as const;
/** The seed's real OS (prisma/seed.ts: debian-12, mmdebstrap bookworm with openssh-server). */
export const REAL_OS_TEMPLATE = { slug: "debian-12", name: "Debian 12" } as const;

/** A template's radio button on the order form (its accessible name is the name, then the description). */
export function templateRadio(page: Page, template: { name: string }): Locator {
  return page.getByRole("radio", { name: new RegExp(`^${template.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`) });
}

/** Picks a template on the order form. */
export async function chooseTemplate(page: Page, template: { name: string } = FAST_TEMPLATE) {
  await templateRadio(page, template).check();
}
