import { twMerge } from "tailwind-merge";

/**
 * Joins class names, skipping falsy ones; when two Tailwind classes conflict (space-y-4 and
 * space-y-0, px-3 and px-4) the later one wins, so a caller's className really overrides a
 * component's default.
 */
export function cn(...parts: Array<string | false | null | undefined>): string {
  return twMerge(parts.filter(Boolean).join(" "));
}
