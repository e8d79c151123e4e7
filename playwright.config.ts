// End-to-end suite: real Chromium (Debian's, since browsers cannot be downloaded here) against
// the real app, database and host agent that `npm test` starts and describes in E2E_* vars.
import { defineConfig } from "@playwright/test";

const baseURL = process.env.E2E_BASE_URL;
if (!baseURL) throw new Error("E2E_BASE_URL is not set: run the e2e suite through `npm test`.");

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  // Generous: the suite shares two cores with builds and other runs, and a timeout that only
  // a loaded machine reaches tells nothing about the product. Specs wait on conditions, so
  // these cost nothing when things are quick.
  timeout: 300_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    // A failed test keeps its trace (DOM snapshots of every step) but not the screencast
    // frames, which cost the most CPU while every passing test records them.
    trace: { mode: "retain-on-failure", screenshots: false, snapshots: true, sources: false },
    screenshot: "only-on-failure",
    // Specs wait minutes on containers with a pending spinner on screen; an endless animation
    // repaints every frame meanwhile (Chromium was half the suite's CPU). The app honours the
    // preference (components/ui/button.tsx), as a user who asks for reduced motion gets it.
    contextOptions: { reducedMotion: "reduce" },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        // Headless Chromium otherwise composites through SwiftShader in a GPU process: about
        // half of an idle page's CPU (9.4 % → 5.7 % of a core, measured with a ticking page).
        "--disable-software-rasterizer",
      ],
    },
  },
});
