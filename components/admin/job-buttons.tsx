"use client";
import { ActionForm } from "@/components/forms/action-form";
import { RowAction } from "@/components/forms/row-action";
import { SubmitButton } from "@/components/ui/submit-button";
import { cancelJobAction, retryJobAction } from "@/app/admin/jobs/actions";

export function JobButtons({ jobId, status }: { jobId: string; status: string }) {
  if (status === "FAILED") {
    return (
      <RowAction
        action={retryJobAction}
        fields={{ jobId }}
        label="Retry"
        pendingLabel="Retrying…"
        variant="secondary"
        className="space-y-1"
      />
    );
  }
  if (status === "QUEUED") {
    return (
      <ActionForm action={cancelJobAction} className="space-y-1">
        <input type="hidden" name="jobId" value={jobId} />
        <SubmitButton
          size="sm"
          variant="secondary"
          pendingLabel="Cancelling…"
          onClick={(e) => {
            if (!confirm("Cancel this job? The host will not run it.")) e.preventDefault();
          }}
        >
          Cancel
        </SubmitButton>
      </ActionForm>
    );
  }
  return null;
}
