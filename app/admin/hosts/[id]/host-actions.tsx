"use client";
import { useState } from "react";
import { ActionForm } from "@/components/forms/action-form";
import { EnrollCommand } from "@/components/admin/enroll-command";
import { SubmitButton } from "@/components/ui/submit-button";
import { issueEnrollTokenAction, setHostStatusAction, type EnrollmentData } from "../actions";

export function HostActions({ hostId, status, enrolled }: { hostId: string; status: string; enrolled: boolean }) {
  const [enrolment, setEnrolment] = useState<EnrollmentData | null>(null);
  return (
    <div className="space-y-4">
      {enrolled && status !== "DEAD" && (
        <div className="flex flex-wrap gap-2">
          {(["ACTIVE", "STANDBY", "DRAINING", "DISABLED"] as const)
            .filter((s) => s !== status)
            .map((s) => (
              <ActionForm key={s} action={setHostStatusAction} className="space-y-2">
                <input type="hidden" name="hostId" value={hostId} />
                <input type="hidden" name="status" value={s} />
                <SubmitButton
                  variant={s === "DISABLED" ? "danger" : "secondary"}
                  size="sm"
                  onClick={(e) => {
                    if (s === "DISABLED" && !confirm("Disable this host? It takes no new jails; its jails keep running."))
                      e.preventDefault();
                  }}
                >
                  {s === "ACTIVE"
                    ? "Activate"
                    : s === "STANDBY"
                      ? "Stand by (only moved and evacuated jails)"
                      : s === "DRAINING"
                        ? "Drain (take no new jails)"
                        : "Disable"}
                </SubmitButton>
              </ActionForm>
            ))}
        </div>
      )}
      {enrolment ? (
        <EnrollCommand appUrl={enrolment.appUrl} token={enrolment.token} />
      ) : (
        <ActionForm action={issueEnrollTokenAction} onSuccess={(s) => setEnrolment(s.data as EnrollmentData)}>
          <input type="hidden" name="hostId" value={hostId} />
          <SubmitButton variant="secondary" size="sm" pendingLabel="Issuing…">
            {enrolled ? "Issue a new enrolment token (re-install the agent)" : "Issue an enrolment token"}
          </SubmitButton>
        </ActionForm>
      )}
    </div>
  );
}
