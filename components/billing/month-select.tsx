"use client";
// A month picker inside an ActionForm that keeps the chosen month after the action ran: React
// resets a form after its action, so the select re-mounts with the value the action echoed.
import { useFormState } from "@/components/forms/action-form";

export function MonthSelect({
  id,
  months,
  defaultValue,
  current,
}: {
  id: string;
  months: string[];
  defaultValue: string;
  current?: string;
}) {
  const echoed = useFormState().values?.period;
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-zinc-800">
        Month
      </label>
      <select
        id={id}
        name="period"
        key={echoed ?? "initial"}
        defaultValue={echoed ?? defaultValue}
        className="rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm"
      >
        {months.map((m) => (
          <option key={m} value={m}>
            {m}
            {m === current ? " (this month, not ended)" : ""}
          </option>
        ))}
      </select>
    </div>
  );
}
