import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { checkA11y, DEMO_ADMIN, expectLang, expectPath, pathOf, reveal, signIn, snap, UI, type Lang } from './helpers';

/**
 * Staff ("agent") journey on the demo server: sign in as the demo admin, switch language,
 * open every admin page, sign out. Every page visited gets an axe check (WCAG 2.1 A/AA) and a
 * full-page screenshot; the two Playwright projects give the desktop and phone widths.
 */

// The admin pages and their links in the "Administration sections" navigation.
const ADMIN_PAGES = [
  { path: '/admin', name: 'admin-settings', fr: 'Paramètres', en: 'Settings' },
  { path: '/admin/mail', name: 'admin-mail', fr: 'Courriel sortant', en: 'Outgoing mail' },
  { path: '/admin/staff', name: 'admin-staff', fr: 'Agents', en: 'Staff' },
  { path: '/admin/teams', name: 'admin-teams', fr: 'Équipes', en: 'Teams' },
  { path: '/admin/roles', name: 'admin-roles', fr: 'Rôles', en: 'Roles' },
  { path: '/admin/audit', name: 'admin-audit', fr: "Journal d'audit", en: 'Audit log' },
] as const;
const ADMIN_NAV: Record<Lang, string> = { fr: "Rubriques de l'administration", en: 'Administration sections' };

const LANG_LINK: Record<Lang, string> = { en: 'English', fr: 'Français' };

/** Clicks the header language switch and checks the result (lang attribute, current marker). */
async function switchLanguage(page: Page, to: Lang) {
  const from: Lang = to === 'en' ? 'fr' : 'en';
  const link = await reveal(page, page.getByRole('link', { name: LANG_LINK[to], exact: true }));
  await expect(link).toHaveAttribute('hreflang', to);
  await link.click();
  await expectLang(page, to);
  // The other language is now the link; the current one is marked, not linked.
  await expect(page.getByRole('link', { name: LANG_LINK[from], exact: true }).first()).toHaveAttribute(
    'hreflang',
    from,
  );
  await expect(page.getByRole('link', { name: LANG_LINK[to], exact: true })).toHaveCount(0);
  await expect(page.locator('[aria-current]').filter({ hasText: LANG_LINK[to] })).not.toHaveCount(0);
}

async function expectOneH1(page: Page) {
  const h1 = page.getByRole('heading', { level: 1 });
  await expect(h1).toHaveCount(1);
  await expect(h1).toBeVisible();
  await expect(h1).not.toHaveText(/^\s*$/);
}

/**
 * Visits every admin page in the current language, through the header link "Administration"
 * and then the admin sections navigation: h1, axe, screenshot.
 */
async function visitAdminPages(page: Page, lang: Lang, testInfo: TestInfo) {
  const nav = await reveal(page, page.getByRole('link', { name: UI[lang].admin, exact: true }));
  await nav.click();
  await expectPath(page, '/admin');
  await expect(nav).toHaveAttribute('aria-current', 'page');
  const sections = page.getByRole('navigation', { name: ADMIN_NAV[lang], exact: true });
  for (const p of ADMIN_PAGES) {
    const link = sections.getByRole('link', { name: p[lang], exact: true });
    if (pathOf(page) !== p.path) await link.click();
    await expectPath(page, p.path);
    await expect(link).toHaveAttribute('aria-current', 'page');
    await expectLang(page, lang);
    await expectOneH1(page);
    await checkA11y(page, { soft: true, testInfo, label: `${p.path} (${lang})` });
    await snap(page, testInfo, `${p.name}-${lang}`);
  }
  // The audit log records this session's sign-in.
  await expect(page.getByRole('main')).toContainText('auth.login');
}

test('healthz answers ok', async ({ request }) => {
  const resp = await request.get('/healthz');
  expect(resp.status()).toBe(200);
  expect((await resp.text()).trim()).toBe('ok');
});

test.describe('keyboard', () => {
  for (const lang of ['fr', 'en'] as const) {
    test(`first Tab on the home page focuses the skip link (${lang})`, async ({ page }, testInfo) => {
      await page.goto('/');
      await expectLang(page, 'fr'); // French is the default language
      if (lang === 'en') {
        await switchLanguage(page, 'en');
        await page.goto('/');
        await expectLang(page, 'en');
      }
      await checkA11y(page, { soft: true, testInfo, label: `/ (${lang})` });
      await snap(page, testInfo, `home-${lang}`);

      // Start from the top of the document, as a fresh keyboard user would.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: UI[lang].skip, exact: true });
      await expect(skip).toBeFocused();
      await expect(skip).toBeInViewport(); // visible when focused (WCAG 2.4.7)
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.evaluate(() => !!document.activeElement?.closest('main')), {
          message: 'focus moves into <main> after activating the skip link',
        })
        .toBe(true);
    });
  }
});

test('agent signs in, switches language, opens the admin pages and signs out', async ({ page }, testInfo) => {
  // Sign-in page, French by default.
  const login = await page.goto('/backoffice/login');
  expect(login?.status()).toBe(200);
  await expectLang(page, 'fr');
  await expect(page.getByLabel(UI.fr.email, { exact: true })).toBeVisible();
  await expect(page.getByLabel(UI.fr.password, { exact: true })).toBeVisible();
  await checkA11y(page, { soft: true, testInfo, label: '/backoffice/login (fr)' });
  await snap(page, testInfo, 'login-fr');

  await signIn(page, 'fr');
  await expectPath(page, '/backoffice');
  await expectLang(page, 'fr');
  await expect(await reveal(page, page.getByRole('button', { name: UI.fr.signOut, exact: true }))).toBeVisible();
  await expectOneH1(page);
  await checkA11y(page, { soft: true, testInfo, label: '/backoffice (fr)' });
  await snap(page, testInfo, 'backoffice-fr');

  // Switch to English and go through the admin pages.
  await switchLanguage(page, 'en');
  await expectPath(page, '/backoffice');
  await checkA11y(page, { soft: true, testInfo, label: '/backoffice (en)' });
  await snap(page, testInfo, 'backoffice-en');
  await visitAdminPages(page, 'en', testInfo);

  // Back to French, same pages.
  await switchLanguage(page, 'fr');
  await visitAdminPages(page, 'fr', testInfo);

  // Sign out (a form POST); the signed-out page offers the sign-in link or form.
  await (await reveal(page, page.getByRole('button', { name: UI.fr.signOut, exact: true }))).click();
  await expect(page.getByRole('button', { name: UI.fr.signOut, exact: true })).toHaveCount(0);
  await expect(
    page
      .getByRole('link', { name: UI.fr.signIn, exact: true })
      .or(page.getByRole('button', { name: UI.fr.signIn, exact: true }))
      .first(),
  ).toBeAttached();
  await checkA11y(page, { soft: true, testInfo, label: `${pathOf(page)} (signed out)` });
  await snap(page, testInfo, 'signed-out-fr');

  // The back office is closed again.
  await page.goto('/backoffice');
  await expectPath(page, '/backoffice', false);
  await expect(page.getByLabel(UI.fr.email, { exact: true })).toBeVisible();
});

test('a wrong password keeps the agent on the sign-in page', async ({ page }, testInfo) => {
  await page.goto('/backoffice/login');
  await signIn(page, 'fr', { email: DEMO_ADMIN.email, password: 'not-the-password' });
  await expectPath(page, '/backoffice', false);
  await expect(page.getByLabel(UI.fr.email, { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: UI.fr.signOut, exact: true })).toHaveCount(0);
  await checkA11y(page, { soft: true, testInfo, label: '/backoffice/login (failed)' });
  await snap(page, testInfo, 'login-failed-fr');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('an agent can sign in, switch language and sign out', async ({ page }, testInfo) => {
    await page.goto('/backoffice/login');
    await expectLang(page, 'fr');
    await signIn(page, 'fr');
    await expectPath(page, '/backoffice');
    await expectOneH1(page);

    await switchLanguage(page, 'en');
    await snap(page, testInfo, 'nojs-backoffice-en');
    const nav = await reveal(page, page.getByRole('link', { name: UI.en.admin, exact: true }));
    await nav.click();
    await expectPath(page, '/admin');
    await expectOneH1(page);

    // Leave the demo admin in the default language for the other tests.
    await switchLanguage(page, 'fr');
    await (await reveal(page, page.getByRole('button', { name: UI.fr.signOut, exact: true }))).click();
    await expect(page.getByRole('button', { name: UI.fr.signOut, exact: true })).toHaveCount(0);
    await page.goto('/backoffice');
    await expectPath(page, '/backoffice', false);
  });
});
