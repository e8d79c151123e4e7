"use client";
// Keeps a server-rendered page current without a reload: re-renders it on the server every
// couple of seconds while something is happening (a job is open, the jail is provisioning),
// and now and then otherwise so new usage samples show up. Paused while the tab is hidden.
import { useRouter } from "next/navigation";
import { useEffect } from "react";

export function LiveRefresh({ active, activeMs = 2000, idleMs = 60_000 }: { active: boolean; activeMs?: number; idleMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    const every = active ? activeMs : idleMs;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") router.refresh();
    }, every);
    return () => clearInterval(timer);
  }, [active, activeMs, idleMs, router]);
  return <span hidden data-testid="live-refresh" data-active={active ? "true" : "false"} />;
}
