// The one way configuration is read: a zod object over the environment, parsed once per
// section, failing with each variable's name, the value it was given and what it expected.
// No `Number(process.env.X ?? d)` anywhere else (a typo there is a silent NaN).
import { z } from "zod";

/** Thrown when the environment does not fit a section; the message lists every bad variable. */
export class ConfigError extends Error {
  constructor(
    readonly section: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration (${section}):\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Source = Record<string, string | undefined>;

/**
 * Parses `source` (the environment by default) with `schema`. Empty strings count as unset, so
 * `FOO=` falls back to the default as an absent variable would.
 * @throws ConfigError naming each variable, its value (secrets masked) and the expectation.
 */
export function parseConfig<S extends z.ZodObject>(section: string, schema: S, source: Source = process.env): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== "") input[key] = value;
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    section,
    parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "?");
      const given = input[key];
      const shown = given === undefined ? "unset" : /SECRET|PASSWORD|TOKEN|_KEY/.test(key) ? "(hidden)" : JSON.stringify(given);
      const meaning = (schema.shape as Record<string, z.ZodType>)[key]?.description;
      return `${key} = ${shown}: ${issue.message}${meaning ? ` — ${meaning}` : ""}`;
    }),
  );
}

/** A section read once and cached: `const jobs = configSection("jobs", schema); jobs().leaseSeconds`. */
export function configSection<S extends z.ZodObject>(section: string, schema: S): (() => z.infer<S>) & { schema: S; section: string } {
  let cached: z.infer<S> | undefined;
  const read = () => (cached ??= parseConfig(section, schema));
  return Object.assign(read, { schema, section });
}

/** A whole number of seconds (or other unit) in [min, max], from an environment string. */
export function intVar(min: number, max: number, fallback: number, meaning: string) {
  return z.coerce
    .number({ error: `expected a whole number from ${min} to ${max}` })
    .int(`expected a whole number from ${min} to ${max}`)
    .min(min, `expected a whole number from ${min} to ${max}`)
    .max(max, `expected a whole number from ${min} to ${max}`)
    .default(fallback)
    .describe(meaning);
}
