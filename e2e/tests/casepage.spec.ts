import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { UI, checkPage, reveal, signInAsStaff, submit } from './helpers';

/**
 * Working together on a case, as the demo's supervisor and agent would: the supervisor
 * mentions the agent in a note (and a mistyped mention is refused, naming it), links the case
 * to another one and opens its printable page; the agent finds the mention among their
 * notifications. Cases are filed through the JSON API with a token the supervisor creates.
 * Every page visited gets the shared checks (one h1, no sideways scrolling, axe, screenshot).
 */

const SUPERVISOR = { email: 'supervisor@belleville.example', password: 'relais-demo-2026' };
const AGENT = { email: 'agent@belleville.example', password: 'relais-demo-2026' };

const REPORT = {
  service: 'signalement-voirie',
  channel: 'phone',
  contact_email: 'riverain@example.org',
  answers: {
    category: 'pothole',
    danger: true,
    description: 'Nid-de-poule profond devant le n° 12, dangereux pour les vélos.',
    location_method: 'address',
    address: { street: '12 rue des Lilas', postcode: '45000', city: 'Belleville-sur-Loire', country: 'FR' },
    follow_up: true,
    email: 'riverain@example.org',
  },
};

async function apiToken(page: Page, name: string): Promise<string> {
  await page.goto('/account');
  await page.getByLabel('Nom du jeton', { exact: true }).fill(name);
  await submit(page, page.getByRole('button', { name: 'Créer un jeton', exact: true }));
  const token = (await page.locator('code.token').textContent())?.trim() ?? '';
  expect(token.length).toBeGreaterThan(20);
  return token;
}

async function fileCase(request: APIRequestContext, token: string): Promise<{ id: string; reference: string }> {
  const r = await request.post('/api/v1/cases', {
    headers: { Authorization: `Bearer ${token}` },
    data: REPORT,
  });
  expect(r.status(), await r.text()).toBe(201);
  const body = await r.json();
  return { id: body.id as string, reference: body.reference as string };
}

test('a mention notifies a colleague, a link reads both ways, the case prints', async ({ page }, testInfo) => {
  await signInAsStaff(page, SUPERVISOR);
  const token = await apiToken(page, `e2e casepage ${testInfo.project.name} ${Date.now().toString(36)}`);
  const first = await fileCase(page.request, token);
  const second = await fileCase(page.request, token);
  const title = new RegExp(first.reference);

  // A mention that names nobody is refused, named, and the text kept.
  await page.goto(`/backoffice/cases/${first.id}`);
  await checkPage(page, testInfo, 'case-collab', title);
  const note = page.getByLabel('Note', { exact: true });
  await expect(page.locator('#note-hint')).toContainText('@agent');
  await note.fill('@personne peux-tu regarder ?');
  let answer = await submit(page, page.getByRole('button', { name: 'Ajouter la note', exact: true }));
  expect(answer.status()).toBe(422);
  await expect(page.locator('#refusal')).toContainText('Personne ne peut être mentionné ici sous @personne');
  await expect(note).toHaveValue('@personne peux-tu regarder ?');
  await checkPage(page, testInfo, 'case-mention-refused', title);

  // The agent is mentioned by their handle.
  await note.fill('@agent peux-tu rappeler le riverain ?');
  answer = await submit(page, page.getByRole('button', { name: 'Ajouter la note', exact: true }));
  expect(answer.status()).toBe(303);
  await expect(page.getByRole('main').getByText('Note ajoutée.', { exact: true })).toBeVisible();
  await expect(page.locator('.timeline')).toContainText('mentionne Karim Benali');

  // Linked to the second case: read from both sides.
  await page.getByLabel('Type de lien', { exact: true }).selectOption({ label: 'Ce dossier est lié à…' });
  await page.getByLabel("Référence de l'autre dossier", { exact: true }).fill(second.reference);
  answer = await submit(page, page.getByRole('button', { name: 'Lier', exact: true }));
  expect(answer.status()).toBe(303);
  await expect(page.locator('.case-links')).toContainText(`Lié à ${second.reference}`);
  await checkPage(page, testInfo, 'case-linked', title);
  await page.locator('.case-links').getByRole('link', { name: second.reference, exact: true }).click();
  await expect(page.locator('.case-links')).toContainText(`Lié à ${first.reference}`);

  // The printable page: requester, answers, documents, timeline; no forms when printed.
  await page.goto(`/backoffice/cases/${first.id}`);
  await page.getByRole('link', { name: 'Version imprimable', exact: true }).click();
  await checkPage(page, testInfo, 'case-print', title);
  await expect(page.getByRole('heading', { level: 2, name: 'Historique' })).toBeVisible();
  await expect(page.getByText('Nid-de-poule profond', { exact: false }).first()).toBeVisible();
  await expect(page.getByText('@agent peux-tu rappeler le riverain ?')).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.site-header')).toBeHidden();
  await expect(page.getByRole('link', { name: 'Retour au dossier', exact: true })).toBeHidden();
  await page.emulateMedia({ media: 'screen' });

  // The agent finds the mention in their notifications, counted in the menu.
  await (await reveal(page, page.getByRole('button', { name: UI.fr.signOut, exact: true }))).click();
  await signInAsStaff(page, AGENT);
  const menu = page.getByRole('link', { name: /^Notifications \d+ non lues?$/ });
  await (await reveal(page, menu)).click();
  await checkPage(page, testInfo, 'notifications', 'Notifications');
  const item = page.locator('.notifications li', { hasText: first.reference }).first();
  await expect(item).toContainText('vous a mentionné·e');
  await expect(item).toContainText('peux-tu rappeler le riverain ?');
  await item.getByRole('link', { name: first.reference, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(first.reference);
});

test('a supervisor writes a canned response in French and English', async ({ page }, testInfo) => {
  await signInAsStaff(page, SUPERVISOR);
  await page.goto('/admin/canned');
  await checkPage(page, testInfo, 'canned-list', 'Réponses types');
  await expect(page.getByText('{given_name}', { exact: true })).toBeVisible();
  const title = `Rappel ${testInfo.project.name} ${Date.now().toString(36)}`;
  await page.getByLabel('Titre', { exact: true }).first().fill(title);
  await page.getByLabel('Texte', { exact: true }).first().fill('Bonjour {prenom}');
  let answer = await submit(page, page.getByRole('button', { name: 'Créer la réponse type', exact: true }));
  expect(answer.status()).toBe(422);
  await expect(page.getByRole('alert')).toContainText('Le texte utilise une variable qui n\'existe pas.');
  await checkPage(page, testInfo, 'canned-refused', 'Réponses types');
  await page.getByLabel('Texte', { exact: true }).first().fill('Bonjour {given_name}, nous revenons vers vous.');
  await page.getByRole('group', { name: 'En anglais' }).getByLabel('Titre', { exact: true }).fill('Callback');
  await page.getByRole('group', { name: 'En anglais' }).getByLabel('Texte', { exact: true }).fill('Hello {given_name}, we will call you back.');
  answer = await submit(page, page.getByRole('button', { name: 'Créer la réponse type', exact: true }));
  expect(answer.status()).toBe(303);
  await expect(page.getByRole('main').getByText('Réponse type créée.', { exact: true })).toBeVisible();
  await page.getByRole('link', { name: title, exact: true }).click();
  await checkPage(page, testInfo, 'canned-edit', `Réponse type « ${title} »`);
  await expect(page.getByRole('group', { name: 'En anglais' }).getByLabel('Texte', { exact: true })).toHaveValue(
    'Hello {given_name}, we will call you back.',
  );
});
