"use client";
// Keeps a server-rendered page current without a reload: re-renders it on the server every
// couple of seconds while something is happening (a job is open, the jail is provisioning),
// and now and then otherwise so new usage samples show up. Paused while the tab is hidden.
//
// When the page goes quiet it re-renders once more at the busy pace: a render reads the jail
// and its open jobs in separate statements, so one that lands while a job completes can see the
// job gone but the jail's old state — and would otherwise show that state for a whole idle period.
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";

export function LiveRefresh({ active, activeMs = 2000, idleMs = 60_000 }: { active: boolean; activeMs?: number; idleMs?: number }) {
  const router = useRouter();
  const wasActive = useRef(active);
  useEffect(() => {
    const settling = wasActive.current && !active;
    wasActive.current = active;
    const refresh = () => {
      if (document.visibilityState === "visible") router.refresh();
    };
    const once = settling ? setTimeout(refresh, activeMs) : undefined;
    const timer = setInterval(refresh, active ? activeMs : idleMs);
    return () => {
      clearTimeout(once);
      clearInterval(timer);
    };
  }, [active, activeMs, idleMs, router]);
  return <span hidden data-testid="live-refresh" data-active={active ? "true" : "false"} />;
}
