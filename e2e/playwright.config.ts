import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * Relais end-to-end tests.
 *
 * - Browser: Debian's chromium (`apt-get install -y chromium`), never a downloaded one.
 * - Server: `relais demo` on a fresh data directory (e2e/.data), started by Playwright.
 *   Override the binary with RELAIS_BIN (absolute, or relative to the current directory).
 */

const PORT = Number(process.env.RELAIS_E2E_PORT ?? 18080);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const RELAIS_BIN = process.env.RELAIS_BIN
  ? path.resolve(process.cwd(), process.env.RELAIS_BIN)
  : path.resolve(__dirname, '..', 'target', 'debug', 'relais');
const DATA_DIR = path.resolve(__dirname, '.data');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

// Flags required on this machine's closed network (see DESIGN.md, "Real components for tests").
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  outputDir: './test-results',
  // One server with shared demo data, two cores: run tests one after another.
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    },
    locale: 'fr-FR',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'desktop',
      use: {
        viewport: { width: 1280, height: 800 },
        deviceScaleFactor: 1,
        isMobile: false,
        hasTouch: false,
      },
    },
    {
      name: 'phone',
      use: {
        userAgent: devices['Pixel 7'].userAgent,
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      },
    },
  ],
  webServer: {
    command:
      `rm -rf ${q(DATA_DIR)} && mkdir -p ${q(DATA_DIR)} && ` +
      // RELAIS_E2E_PORT is this file's setting, not the server's (which refuses unknown RELAIS_ keys).
      `exec env -u RELAIS_E2E_PORT ${q(RELAIS_BIN)} --data-dir ${q(DATA_DIR)} --listen 127.0.0.1:${PORT} demo`,
    url: `${BASE_URL}/healthz`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
    // One line per request is useful in production, noise here; warnings still show.
    env: {
      RELAIS_LOG_LEVEL: process.env.RELAIS_LOG_LEVEL ?? 'warn',
      // Every test signs in afresh from 127.0.0.1: at the default ten attempts a minute per
      // address the suite throttles itself (a sign-in refused "too many attempts" in the
      // middle of a test). The throttling is tested in crates/web/tests/app/auth.rs.
      RELAIS_LOGIN_ATTEMPTS_PER_MINUTE: '600',
    },
  },
});
