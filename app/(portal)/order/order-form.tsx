"use client";
import { ActionForm, useFormState } from "@/components/forms/action-form";
import { FieldErrors, TextField } from "@/components/forms/fields";
import { SubmitButton } from "@/components/ui/submit-button";
import { formatMb, formatMoney } from "@/lib/format";
import { orderJailAction } from "./actions";
import type { PlanCardData } from "@/components/catalog/plan-cards";

type Plan = Omit<PlanCardData, "description" | "overagePricePerGbCents">;
type Template = { id: string; slug: string; name: string; description: string };

const choice =
  "relative flex cursor-pointer flex-col rounded-lg border border-zinc-200 bg-white p-4 shadow-sm hover:border-zinc-300 has-[:checked]:border-brand-500 has-[:checked]:ring-1 has-[:checked]:ring-brand-500 has-[:disabled]:cursor-not-allowed has-[:disabled]:opacity-60";

type Props = { plans: Plan[]; templates: Template[]; selectedPlan?: string; orderKey: string; disabled: boolean };

export function OrderForm(props: Props) {
  return (
    <ActionForm action={orderJailAction} aria-label="Order a jail" className="space-y-8">
      <OrderFields {...props} />
    </ActionForm>
  );
}

function OrderFields({ plans, templates, selectedPlan, orderKey, disabled }: Props) {
  // After a refused submit React resets the form: keep the customer's choices.
  const { values } = useFormState();
  const initialPlan = plans.find((p) => p.slug === (values?.plan ?? selectedPlan))?.slug ?? plans[0]?.slug;
  const initialTemplate = templates.find((t) => t.slug === values?.template)?.slug ?? templates[0]?.slug;
  const remount = values ? JSON.stringify([values.plan, values.template]) : "initial";
  return (
    <>
      <input type="hidden" name="orderKey" value={orderKey} />
      <fieldset disabled={disabled}>
        <legend className="mb-3 text-sm font-semibold text-zinc-900">1. Plan</legend>
        <div className="grid gap-3 md:grid-cols-3">
          {plans.map((p) => (
            <label key={p.id} className={choice} data-testid={`order-plan-${p.slug}`}>
              <span className="flex items-center justify-between gap-2">
                <span className="flex items-center gap-2 font-semibold text-zinc-900">
                  <input
                    key={remount}
                    type="radio"
                    name="plan"
                    value={p.slug}
                    defaultChecked={p.slug === initialPlan}
                    className="accent-brand-600"
                  />
                  {p.name}
                </span>
                <span className="text-sm font-semibold text-zinc-900">
                  {formatMoney(p.priceCents)}
                  <span className="font-normal text-zinc-500"> / mo</span>
                </span>
              </span>
              <span className="mt-2 text-xs leading-5 text-zinc-600">
                {formatMb(p.diskQuotaMb)} disk · {formatMb(p.memoryLimitMb)} process space · {p.maxProcesses} processes · {p.cpuPercent}%
                CPU · {p.bandwidthGb} GB transfer
              </span>
            </label>
          ))}
        </div>
        <FieldErrors name="plan" />
      </fieldset>

      <fieldset disabled={disabled}>
        <legend className="mb-3 text-sm font-semibold text-zinc-900">2. Template</legend>
        <div className="grid gap-3 md:grid-cols-2">
          {templates.map((t) => (
            <label key={t.id} className={choice}>
              <span className="flex items-center gap-2 font-semibold text-zinc-900">
                <input
                  key={remount}
                  type="radio"
                  name="template"
                  value={t.slug}
                  defaultChecked={t.slug === initialTemplate}
                  className="accent-brand-600"
                />
                {t.name}
              </span>
              <span className="mt-1 text-xs text-zinc-600">{t.description}</span>
            </label>
          ))}
        </div>
        <FieldErrors name="template" />
      </fieldset>

      <fieldset disabled={disabled} className="max-w-lg">
        <legend className="mb-3 text-sm font-semibold text-zinc-900">3. Hostname</legend>
        <TextField
          name="hostname"
          label="Fully-qualified hostname"
          placeholder="www.example.com"
          autoComplete="off"
          spellCheck={false}
          hint="The jail's own name, e.g. www.example.com. It is fixed: the jail cannot rename itself. Point your DNS at the public address you get."
        />
      </fieldset>

      <div className="flex items-center gap-4">
        <SubmitButton pendingLabel="Ordering…" disabled={disabled}>
          Order jail
        </SubmitButton>
        <p className="text-xs text-zinc-500">Billed monthly from today. Cancel any time from the jail&apos;s page.</p>
      </div>
    </>
  );
}
