import Link from "next/link";
import { buttonClass } from "@/components/ui/button-styles";

export default function Forbidden() {
  return (
    <div className="mx-auto flex min-h-[60vh] max-w-md flex-col items-center justify-center px-4 text-center">
      <p className="text-sm font-semibold text-red-600">403</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">This console is not for your login</h1>
      <p className="mt-2 text-sm text-zinc-600">
        Your account does not have access to this page. If you think it should, ask an administrator.
      </p>
      <Link href="/dashboard" className={buttonClass("secondary", "md", "mt-6")}>
        Back to your dashboard
      </Link>
    </div>
  );
}
