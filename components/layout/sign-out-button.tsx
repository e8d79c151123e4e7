"use client";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { buttonClass } from "@/components/ui/button-styles";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className={buttonClass("ghost", "sm")}
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/login?signedOut=1" });
      }}
    >
      {pending ? "Logging out…" : "Log out"}
    </button>
  );
}
