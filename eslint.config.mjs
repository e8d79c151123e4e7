// Lint: Next.js's own configuration (core web vitals + TypeScript, which bring typescript-eslint,
// react, react-hooks, jsx-a11y and import rules), run by `npm test` so CI enforces it.
// Formatting is prettier's job (`.prettierrc.json`); eslint-config-prettier is not needed because
// Next's configuration carries no formatting rules.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    ".next/**",
    "node_modules/**",
    "lib/generated/**",
    "test-results/**",
    "playwright-report/**",
    "next-env.d.ts",
    "bench/out/**",
    "dist/**",
  ]),
  {
    rules: {
      // Unused names are mistakes, except a deliberately ignored argument or rest sibling (`_x`).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
]);
