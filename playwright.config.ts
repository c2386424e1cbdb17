import { defineConfig, devices } from "@playwright/test";

import { appPort as port, smtpPort } from "./e2e/ports";

// Auth.js builds its URLs from `localhost`; 127.0.0.1 would fail its CSRF check.
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    {
      name: "chromium",
      testIgnore: /many-processes\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], viewport: { width: 1360, height: 900 } },
    },
    // No browser: web servers and workers of its own on a database of its own. A project of its own gives
    // it a Playwright worker process of its own, whose first database use is that database.
    { name: "processes", testMatch: /many-processes\.spec\.ts/ },
  ],
  webServer: {
    // The same launcher as `npm start`, on the DATABASE_URL (and secrets) that `npm test` prepared; with
    // DATABASE_URL set the demo account is seeded only on request.
    command: "node --import tsx scripts/start.ts",
    url: `${baseURL}/api/health`,
    // Quiet logs: the worker logs every failed delivery, which tests provoke on purpose.
    // Emails go over SMTP to the fake server that the tests reading them start on smtpPort.
    env: {
      PORT: String(port),
      AUTH_URL: baseURL,
      SEED_DEMO: "true",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: "Custom Webhook <no-reply@localhost>",
    },
    // SIGTERM, as a process manager would send: the launcher lets the app drain, then exits.
    gracefulShutdown: { signal: "SIGTERM", timeout: 40_000 },
    reuseExistingServer: !!process.env.E2E_REUSE_SERVER,
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
