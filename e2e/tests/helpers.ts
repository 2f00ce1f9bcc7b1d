import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page, type Response, type TestInfo } from '@playwright/test';

export const DEMO_ADMIN = {
  email: 'admin@belleville.example',
  password: 'relais-demo-2026',
};

/** The accessible names of the server's UI contract, per language. */
export const UI = {
  fr: {
    email: 'Adresse e-mail',
    password: 'Mot de passe',
    signIn: 'Se connecter',
    signOut: 'Se déconnecter',
    skip: 'Aller au contenu',
    admin: 'Administration',
  },
  en: {
    email: 'Email address',
    password: 'Password',
    signIn: 'Sign in',
    signOut: 'Sign out',
    skip: 'Skip to content',
    admin: 'Administration',
  },
} as const;
export type Lang = keyof typeof UI;

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;
type Violation = AxeResults['violations'][number];

/** One readable block per violation: rule, impact, help, then every offending node. */
export function formatViolations(violations: Violation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => {
          const summary = (n.failureSummary ?? '').replace(/\n\s*/g, ' | ');
          return `    - ${n.target.join(' ')}\n      html: ${n.html.length > 300 ? n.html.slice(0, 300) + "…" : n.html}\n      why:  ${summary}`;
        })
        .join('\n');
      return `  [${v.impact ?? 'n/a'}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the current page and asserts there are no
 * violations. When there are, they are printed and attached to the report in readable form.
 * With `soft: true` the test goes on (and still fails at the end), so one run lists the
 * violations of every page visited.
 */
export async function checkA11y(
  page: Page,
  opts: { soft?: boolean; label?: string; testInfo?: TestInfo } = {},
): Promise<Violation[]> {
  await saveHtml(page);
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const violations = results.violations;
  const where = opts.label ?? new URL(page.url()).pathname;
  if (violations.length > 0) {
    const text = `axe: ${violations.length} violation(s) on ${where} (${page.url()})\n${formatViolations(violations)}`;
    console.log(text);
    if (opts.testInfo) {
      await opts.testInfo.attach(`axe-${slug(where)}.txt`, { body: text, contentType: 'text/plain' });
    }
  }
  // A compact list for the assertion diff: "rule-id (impact) @ selector".
  const compact = violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact ?? 'n/a'}) @ ${n.target.join(' ')}`),
  );
  const check = opts.soft ? expect.soft : expect;
  check(compact, `axe violations on ${where}`).toEqual([]);
  return violations;
}

function slug(s: string): string {
  return s.replace(/^\/+/, '').replace(/[^a-zA-Z0-9_-]+/g, '-').replace(/^-|-$/g, '') || 'home';
}

/**
 * Full-page screenshot, kept as test output in e2e/screenshots/<project>/<name>.png
 * (gitignored) and attached to the HTML report.
 */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<string> {
  const dir = path.resolve(__dirname, '..', 'screenshots', testInfo.project.name);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${slug(name)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
  return file;
}

/** The current URL's path, without a trailing slash (query and fragment ignored). */
export function pathOf(page: Page): string {
  return new URL(page.url()).pathname.replace(/(.)\/$/, '$1');
}

/** Waits until the current URL's path is (or, with `is` false, is not) `path`. */
export async function expectPath(page: Page, path: string, is = true): Promise<void> {
  const poll = expect.poll(() => pathOf(page), { message: `URL path ${is ? 'is' : 'is not'} ${path}` });
  await (is ? poll.toBe(path) : poll.not.toBe(path));
}

/** The html element's lang attribute must be the given language. */
export async function expectLang(page: Page, lang: Lang): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('lang', new RegExp(`^${lang}(-|$)`));
}

/**
 * Makes a header control visible: on narrow screens the navigation may sit behind a menu
 * toggle (a button or a <details>/<summary>). No-op when the control is already visible.
 */
export async function reveal(page: Page, target: Locator): Promise<Locator> {
  const el = target.first();
  if (await el.isVisible()) return el;
  const toggle = page
    .getByRole('button', { name: /^(menu|navigation)/i })
    .or(page.locator('summary').filter({ hasText: /menu/i }))
    .first();
  if (await toggle.count()) await toggle.click();
  await expect(el).toBeVisible();
  return el;
}

/** Signs in through the staff form, in the page's current language. */
export async function signIn(page: Page, lang: Lang, creds = DEMO_ADMIN): Promise<void> {
  const t = UI[lang];
  await page.getByLabel(t.email, { exact: true }).fill(creds.email);
  await page.getByLabel(t.password, { exact: true }).fill(creds.password);
  await page.getByRole('button', { name: t.signIn, exact: true }).click();
}

/** Where the HTML of every checked page is kept for the validator (validate-html.mjs). */
export const HTML_DIR = path.join(__dirname, '..', 'html');

/**
 * Saves the HTML the server sent for the current page (fetched again with the same cookies,
 * so it is the markup as served, not the browser's serialisation of the DOM).
 */
export async function saveHtml(page: Page): Promise<void> {
  const url = page.url();
  if (!url.startsWith('http')) return;
  const response = await page.request.get(url);
  const type = response.headers()['content-type'] ?? '';
  if (!type.startsWith('text/html')) return;
  fs.mkdirSync(HTML_DIR, { recursive: true });
  const u = new URL(url);
  const name = slug(`${u.host}${u.pathname}${u.search}`) || 'root';
  fs.writeFileSync(path.join(HTML_DIR, `${name}.html`), await response.text());
}

/**
 * Keeps markup the browser received but `saveHtml` cannot fetch again with a GET — the answer
 * to a form POST, such as a refused submission — for the validator, under `name`.
 */
export function saveHtmlText(name: string, html: string): void {
  fs.mkdirSync(HTML_DIR, { recursive: true });
  fs.writeFileSync(path.join(HTML_DIR, `${slug(name)}.html`), html);
}

/**
 * One h1 with the given text, no horizontal scrolling at the project's width (WCAG 1.4.10
 * Reflow; tables scroll inside their own wrapper), axe, screenshot. When the page is too
 * wide, the message names the elements that stick out.
 */
export async function checkPage(page: Page, testInfo: TestInfo, name: string, h1: string | RegExp): Promise<void> {
  await expectLang(page, 'fr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(h1);
  const width = page.viewportSize()?.width ?? 0;
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  let culprits = '';
  if (scrollWidth > width) {
    culprits = await page.evaluate((w) => {
      const out: string[] = [];
      for (const el of Array.from(document.body.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect();
        if (r.right > w + 1 && r.width > 0) {
          out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : ''} (right ${Math.round(r.right)}px)`);
        }
      }
      return out.slice(-5).join(', ');
    }, width);
  }
  expect.soft(scrollWidth, `page width of ${pathOf(page)} at ${width}px ${culprits}`).toBeLessThanOrEqual(width);
  await checkA11y(page, { soft: true, testInfo, label: `${pathOf(page)} (${name})` });
  await snap(page, testInfo, name);
}

/**
 * Clicks a submit button and returns the answer to the form's POST (a redirect when accepted,
 * the page itself when refused), once the resulting page has loaded.
 */
export async function submit(page: Page, button: Locator): Promise<Response> {
  const answer = page.waitForResponse(
    (r) => r.request().method() === 'POST' && r.request().isNavigationRequest() && r.frame() === page.mainFrame(),
  );
  await button.click();
  const response = await answer;
  await page.waitForLoadState();
  return response;
}

/** Signs in on the staff sign-in page in French; the back office ends up in French. */
export async function signInAsStaff(page: Page, creds: { email: string; password: string }): Promise<void> {
  await page.goto('/backoffice/login');
  await signIn(page, 'fr', creds);
  await expectPath(page, '/backoffice');
  if ((await page.locator('html').getAttribute('lang'))?.startsWith('en')) {
    await (await reveal(page, page.getByRole('link', { name: 'Français', exact: true }))).click();
  }
  await expectLang(page, 'fr');
}
