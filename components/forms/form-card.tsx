import type { ComponentProps, ReactNode } from "react";
import { ActionForm } from "@/components/forms/action-form";
import { Card, CardBody, CardHeader } from "@/components/ui/card";

/**
 * Renders a card whose body is one form: a header with `title` and `description`, then an
 * ActionForm (given the remaining props; `className` is the form's) around the children.
 */
export function FormCard({
  title,
  description,
  cardClassName,
  ...form
}: ComponentProps<typeof ActionForm> & { title: ReactNode; description?: ReactNode; cardClassName?: string }) {
  return (
    <Card className={cardClassName}>
      <CardHeader title={title} description={description} />
      <CardBody>
        <ActionForm {...form} />
      </CardBody>
    </Card>
  );
}
