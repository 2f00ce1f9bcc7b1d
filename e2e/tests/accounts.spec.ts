import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { checkA11y, expectPath } from './helpers';

/**
 * A visitor creates a portal account as a user would: sign-in page → "Create an account",
 * an empty form refused with its messages, the form filled, the link read from the .eml file
 * the server wrote in its data folder (no SMTP in the demo), one click to activate, then the
 * profile (a phone number) and the notification preferences (messages in a daily digest).
 * Every page gets an axe check; the two projects give the desktop and phone widths.
 */

const MAIL_DIR = path.resolve(__dirname, '..', '.data', 'mail');

/** The sign-up link mailed to `email`, as a path. */
function signUpLink(email: string): string | null {
  if (!fs.existsSync(MAIL_DIR)) return null;
  for (const name of fs.readdirSync(MAIL_DIR)) {
    if (!name.endsWith('.eml')) continue;
    const raw = fs.readFileSync(path.join(MAIL_DIR, name), 'utf8').replace(/=\r?\n/g, '');
    if (!raw.includes(`To: ${email}`)) continue;
    const m = raw.match(/\/signup\/confirm\/[A-Za-z0-9_-]+/);
    if (m) return m[0];
  }
  return null;
}

async function a11y(page: Page, label: string) {
  await checkA11y(page, { label, testInfo: test.info() });
}

test('sign-up, mailed link, profile and notification preferences', async ({ page }, testInfo) => {
  const email = `e2e-${testInfo.project.name}-${Date.now()}@example.org`;
  const password = 'une phrase de passe assez longue';

  await page.goto('/login');
  await page.getByRole('link', { name: 'Pas encore de compte ? Créer un compte' }).click();
  await expectPath(page, '/signup');
  await expect(page.getByRole('heading', { level: 1, name: 'Créer un compte' })).toBeVisible();
  await a11y(page, 'sign-up');

  // An empty form: refused, each message linked to its field.
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.getByRole('alert')).toContainText('Saisissez le prénom');
  await a11y(page, 'sign-up refused');

  await page.getByLabel('Prénom').fill('Camille');
  await page.getByLabel('Nom de famille').fill('Lefèvre');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByLabel('Confirmer le mot de passe').fill(password);
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Vérifiez votre messagerie' })).toBeVisible();
  await a11y(page, 'sign-up sent');

  await expect.poll(() => signUpLink(email), { timeout: 10_000 }).not.toBeNull();
  const link = signUpLink(email)!;
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'Confirmer votre adresse e-mail' })).toBeVisible();
  await a11y(page, 'sign-up confirm');
  await page.getByRole('button', { name: 'Activer mon compte' }).click();
  await expectPath(page, '/account');
  await expect(page.getByRole('status')).toContainText('Bienvenue');
  await a11y(page, 'account');

  await page.getByRole('link', { name: 'Modifier mon profil' }).click();
  await expectPath(page, '/account/profile');
  await expect(page.getByLabel('Prénom')).toHaveValue('Camille');
  await a11y(page, 'profile');
  await page.getByLabel('Téléphone').fill('06 12 34 56 78');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByRole('status')).toContainText('Profil enregistré.');
  await expect(page.getByLabel('Téléphone')).toHaveValue('+33612345678');

  await page.goto('/account/notifications');
  await a11y(page, 'notifications');
  await page
    .getByRole('group', { name: "Le service m'écrit au sujet d'une demande" })
    .getByLabel('Dans un résumé quotidien')
    .check();
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByRole('status')).toContainText('Préférences de notification enregistrées.');
  await expect(
    page.getByRole('group', { name: "Le service m'écrit au sujet d'une demande" }).getByLabel('Dans un résumé quotidien'),
  ).toBeChecked();
  await a11y(page, 'notifications saved');

  await page.goto('/account/delete');
  await expect(page.getByRole('heading', { level: 1, name: 'Supprimer mon compte' })).toBeVisible();
  await a11y(page, 'delete');
});
