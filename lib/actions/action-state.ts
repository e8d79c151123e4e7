// What every server action returns to its form (via useActionState).
export type ActionState<T = unknown> = {
  ok?: boolean;
  /** One message for the whole form. */
  error?: string;
  /** Messages per field, shown inline under the field. */
  fieldErrors?: Record<string, string[] | undefined>;
  /** A success notice to show. */
  message?: string;
  data?: T;
  /** The values the user typed, echoed back so a failed form keeps them. */
  values?: Record<string, string>;
};
