"use client";
// The three decisions on a case in review. Inputs carry the case id in their DOM ids, since a
// page holds many cases.
import { ActionForm } from "@/components/forms/action-form";
import { FieldErrors } from "@/components/forms/fields";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionState } from "@/lib/actions/action-state";

type Action = (prev: ActionState | undefined, formData: FormData) => Promise<ActionState>;
const input =
  "block w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:outline-none focus:ring-2 focus:ring-brand-500/40";

export function DecisionForms({ caseId, action, approveLabel }: { caseId: string; action: Action; approveLabel: string }) {
  return (
    <div className="grid gap-4 md:grid-cols-3">
      <ActionForm action={action} aria-label="Approve" className="space-y-2">
        <input type="hidden" name="caseId" value={caseId} />
        <input type="hidden" name="decision" value="APPROVE" />
        <p className="text-xs text-zinc-500">Charge the measured excess at the plan&apos;s overage price.</p>
        <SubmitButton size="sm" pendingLabel="Approving…">
          {approveLabel}
        </SubmitButton>
      </ActionForm>
      <ActionForm action={action} aria-label="Waive" className="space-y-2">
        <input type="hidden" name="caseId" value={caseId} />
        <input type="hidden" name="decision" value="WAIVE" />
        <label htmlFor={`${caseId}-waive-reason`} className="block text-xs font-medium text-zinc-700">
          Reason for waiving
        </label>
        <input id={`${caseId}-waive-reason`} name="reason" className={input} maxLength={500} />
        <FieldErrors name="reason" />
        <SubmitButton size="sm" variant="secondary" pendingLabel="Waiving…">
          Waive
        </SubmitButton>
      </ActionForm>
      <ActionForm action={action} aria-label="Adjust" className="space-y-2">
        <input type="hidden" name="caseId" value={caseId} />
        <input type="hidden" name="decision" value="ADJUST" />
        <div className="grid grid-cols-3 gap-2">
          <div>
            <label htmlFor={`${caseId}-adjust-amount`} className="block text-xs font-medium text-zinc-700">
              Amount ($)
            </label>
            <input id={`${caseId}-adjust-amount`} name="amount" inputMode="decimal" className={input} placeholder="0.00" />
          </div>
          <div className="col-span-2">
            <label htmlFor={`${caseId}-adjust-reason`} className="block text-xs font-medium text-zinc-700">
              Reason
            </label>
            <input id={`${caseId}-adjust-reason`} name="reason" className={input} maxLength={500} />
          </div>
        </div>
        <FieldErrors name="amount" />
        <FieldErrors name="reason" />
        <SubmitButton size="sm" variant="secondary" pendingLabel="Saving…">
          Charge this amount
        </SubmitButton>
      </ActionForm>
    </div>
  );
}
