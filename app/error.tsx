"use client";
import { buttonClass } from "@/components/ui/button-styles";

export default function ErrorPage({ reset, error }: { reset: () => void; error: Error & { digest?: string } }) {
  return (
    <div className="mx-auto flex min-h-[60vh] max-w-md flex-col items-center justify-center px-4 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="mt-2 text-sm text-zinc-600">
        The error was logged{error.digest ? ` (reference ${error.digest})` : ""}. Nothing you did was lost; try again.
      </p>
      <button className={buttonClass("secondary", "md", "mt-6")} onClick={() => reset()}>
        Try again
      </button>
    </div>
  );
}
