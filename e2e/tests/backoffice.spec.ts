import { expect, test, type APIRequestContext, type Locator, type Page, type Response, type TestInfo } from '@playwright/test';
import { checkA11y, expectLang, expectPath, pathOf, reveal, saveHtmlText, signIn, snap } from './helpers';

/**
 * The demo agent works cases in the back office, as a user would: the case list with its
 * checkboxes, a case page (reply, change of status — reached with the keyboard shortcuts),
 * and a bulk action on two ticked cases that reports, case by case, what was done. Cases are
 * filed first through the JSON API with a token the agent creates on their account page (the
 * demo has none). Every page visited gets an axe check, a reflow check and a screenshot.
 */

const DEMO_AGENT = { email: 'agent@belleville.example', password: 'relais-demo-2026' };

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

async function signInAsAgent(page: Page) {
  await page.goto('/backoffice/login');
  await signIn(page, 'fr', DEMO_AGENT);
  await expectPath(page, '/backoffice');
  if ((await page.locator('html').getAttribute('lang'))?.startsWith('en')) {
    await (await reveal(page, page.getByRole('link', { name: 'Français', exact: true }))).click();
  }
  await expectLang(page, 'fr');
}

/** One h1, no horizontal scroll at the project's width, axe, screenshot. */
async function checkPage(page: Page, testInfo: TestInfo, name: string, h1: string | RegExp) {
  await expectLang(page, 'fr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(h1);
  const width = page.viewportSize()?.width ?? 0;
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect.soft(scrollWidth, `page width of ${pathOf(page)} at ${width}px`).toBeLessThanOrEqual(width);
  await checkA11y(page, { soft: true, testInfo, label: `${pathOf(page)} (${name})` });
  await snap(page, testInfo, name);
}

/** Clicks a submit button and returns the answer to the form's POST, once the page loaded. */
async function submit(page: Page, button: Locator): Promise<Response> {
  const answer = page.waitForResponse(
    (r) => r.request().method() === 'POST' && r.request().isNavigationRequest() && r.frame() === page.mainFrame(),
  );
  await button.click();
  const response = await answer;
  await page.waitForLoadState();
  return response;
}

/** Creates an API token on the account page and returns it (shown once). */
async function apiToken(page: Page, name: string): Promise<string> {
  await page.goto('/account');
  await page.getByLabel('Nom du jeton', { exact: true }).fill(name);
  await submit(page, page.getByRole('button', { name: 'Créer un jeton', exact: true }));
  const token = (await page.locator('code.token').textContent())?.trim() ?? '';
  expect(token.length).toBeGreaterThan(20);
  return token;
}

/** Files a road report through the API; returns its reference. */
async function fileCase(request: APIRequestContext, token: string): Promise<string> {
  const r = await request.post('/api/v1/cases', {
    headers: { Authorization: `Bearer ${token}` },
    data: REPORT,
  });
  expect(r.status(), await r.text()).toBe(201);
  const body = await r.json();
  return body.reference as string;
}

test('an agent replies, changes a status with the keyboard and acts on ticked cases', async ({ page }, testInfo) => {
  await signInAsAgent(page);
  const token = await apiToken(page, `e2e ${testInfo.project.name} ${Date.now().toString(36)}`);
  const refs = [];
  for (let i = 0; i < 3; i++) refs.push(await fileCase(page.request, token));
  const [first, second, third] = refs;

  // The case list: every case with its checkbox, the bulk action under the table.
  await page.goto('/backoffice/cases?view=unassigned&sort=newest');
  await checkPage(page, testInfo, 'case-list', /Dossiers/);
  await expect(page.getByRole('checkbox', { name: `Sélectionner ${first}`, exact: true })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Action sur les dossiers cochés' })).toBeVisible();

  // The case page, opened from the list.
  await page.getByRole('link', { name: first, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(first);
  await checkPage(page, testInfo, 'case-page', new RegExp(first));
  // The shortcuts are documented on the page.
  await page.getByText('Raccourcis clavier', { exact: true }).click();
  await expect(page.getByText('Écrire une réponse au demandeur', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Utiliser les raccourcis clavier dans ce navigateur')).toBeChecked();

  // "r" goes to the reply; the reply is sent.
  await page.locator('body').press('r');
  const reply = page.getByLabel('Message', { exact: true });
  await expect(reply).toBeFocused();
  await reply.fill('Bonjour, nos équipes passent cette semaine.');
  let answer = await submit(page, page.getByRole('button', { name: 'Envoyer la réponse', exact: true }));
  expect(answer.status()).toBe(303);
  await expect(page.getByRole('main').getByText('Réponse envoyée.', { exact: true })).toBeVisible();
  await expect(page.getByText('Bonjour, nos équipes passent cette semaine.')).toBeVisible();

  // "s" goes to the first transition: "Programmer l'intervention".
  await page.locator('body').press('s');
  const take = page.getByRole('radio', { name: "Programmer l'intervention → Intervention programmée", exact: true });
  await expect(take).toBeFocused();
  await page.keyboard.press('Space');
  await expect(take).toBeChecked();
  answer = await submit(page, page.getByRole('button', { name: 'Changer le statut', exact: true }));
  expect(answer.status()).toBe(303);
  await expect(page.getByRole('main').getByText('Statut changé.', { exact: true })).toBeVisible();
  await expect(page.locator('.case-facts')).toContainText('Intervention programmée');
  await checkPage(page, testInfo, 'case-page-after', new RegExp(first));

  // "u" goes back to the list.
  await page.locator('body').press('u');
  await expectPath(page, '/backoffice/cases');

  // Bulk: tick the two other cases (with "j" and "x" for one of them), add a label.
  await page.goto('/backoffice/cases?view=unassigned&sort=newest');
  await page.getByRole('checkbox', { name: `Sélectionner ${second}`, exact: true }).check();
  await page.getByRole('link', { name: third, exact: true }).focus();
  await page.keyboard.press('x');
  await expect(page.getByRole('checkbox', { name: `Sélectionner ${third}`, exact: true })).toBeChecked();
  await page.keyboard.press('b');
  await expect(page.getByRole('radio', { name: 'Ajouter des étiquettes', exact: true })).toBeVisible();
  await page.getByRole('radio', { name: 'Ajouter des étiquettes', exact: true }).check();
  await page.getByLabel('Étiquettes à ajouter (séparées par des virgules)').fill('tournée nord');
  answer = await submit(page, page.getByRole('button', { name: 'Appliquer aux dossiers cochés', exact: true }));
  expect(answer.status()).toBe(200);
  saveHtmlText(`bulk-results-${testInfo.project.name}`, await answer.text());
  await expect(page.getByRole('status')).toContainText('2 dossiers traités, aucun refusé');
  const results = page.getByRole('table', { name: 'Ce qui a été fait pour chaque dossier' });
  await expect(results.getByRole('row', { name: new RegExp(second) })).toContainText('Étiquettes ajoutées.');
  await expect(results.getByRole('row', { name: new RegExp(third) })).toContainText('Étiquettes ajoutées.');
  await checkPage(page, testInfo, 'bulk-results', 'Action sur plusieurs dossiers');

  // A bulk action with nothing ticked is refused with its reason.
  await page.goto('/backoffice/cases?view=unassigned&sort=newest');
  await page.getByRole('radio', { name: 'Ajouter des étiquettes', exact: true }).check();
  await page.getByLabel('Étiquettes à ajouter (séparées par des virgules)').fill('rien');
  answer = await submit(page, page.getByRole('button', { name: 'Appliquer aux dossiers cochés', exact: true }));
  expect(answer.status()).toBe(422);
  await expect(page.getByRole('alert')).toContainText('Cochez au moins un dossier dans la liste.');
  await checkPage(page, testInfo, 'bulk-refused', 'Action sur plusieurs dossiers');

  // The labelled cases are found by their label.
  await page.goto('/backoffice/cases?label=tourn%C3%A9e%20nord&view=all');
  await expect(page.getByRole('link', { name: second, exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: third, exact: true })).toBeVisible();
});

/**
 * An agent files a phone call for someone new: search, create the person, choose the
 * procedure and channel, fill in the form (a condition opens the address), a refusal that
 * keeps what was typed, then the case. `axe` checks each page (axe needs JavaScript).
 */
async function fileForSomeone(page: Page, testInfo: TestInfo, axe: boolean) {
  const look = async (name: string, h1: string) => {
    if (axe) await checkPage(page, testInfo, name, h1);
    else await expect(page.getByRole('heading', { level: 1 })).toHaveText(h1);
  };
  await signInAsAgent(page);
  await page.goto('/backoffice/cases');
  await page.getByRole('link', { name: 'Saisir un dossier pour un usager', exact: true }).click();
  await expectPath(page, '/backoffice/cases/new');
  await look('filing-start', 'Saisir un dossier pour un usager');

  // Nobody by that name yet: the agent creates the person and comes back with them chosen.
  const family = `Appelant ${Date.now().toString(36)}`;
  await page.getByRole('searchbox', { name: 'Trouver la personne par nom, courriel, téléphone ou adresse' }).fill(family);
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await expect(page.getByRole('main').getByText('Personne ne correspond à cette recherche.', { exact: false })).toBeVisible();
  await page.getByRole('link', { name: 'Nouvelle personne', exact: true }).click();
  await page.getByLabel('Prénom', { exact: true }).fill('Inès');
  await page.getByLabel('Nom de famille', { exact: true }).fill(family);
  let answer = await submit(page, page.getByRole('button', { name: 'Enregistrer', exact: true }));
  expect(answer.status()).toBe(303);
  await expectPath(page, '/backoffice/cases/new');
  await expect(page.getByText('La personne a été créée.', { exact: true })).toBeVisible();
  await expect(page.locator('#requester')).toContainText(`Inès ${family}`);

  // The procedure and the channel, then the whole form on one page.
  await page.getByLabel('Démarche', { exact: true }).selectOption({ label: 'Signaler un problème sur la voie publique' });
  await page.getByRole('radio', { name: 'Téléphone', exact: true }).check();
  await page.getByRole('button', { name: 'Afficher le formulaire', exact: true }).click();
  await look('filing-form', 'Saisir un dossier pour un usager');
  await page.getByRole('radio', { name: 'Chaussée ou trottoir abîmé', exact: true }).check();
  await page.getByRole('group', { name: 'Y a-t-il un danger immédiat ?' }).getByRole('radio', { name: 'Oui', exact: true }).check();
  await page.getByLabel('Description', { exact: true }).fill('Plaque d’égout descellée, signalée par téléphone.');
  await page.getByRole('radio', { name: 'Par une adresse', exact: true }).check();
  await page.getByRole('group', { name: 'Souhaitez-vous être informé de la suite ?' }).getByRole('radio', { name: 'Non', exact: true }).check();
  await page.getByLabel('Priorité', { exact: true }).selectOption('high');
  answer = await submit(page, page.getByRole('button', { name: 'Enregistrer le dossier', exact: true }));
  // The address is asked for once the agent said the place is given by an address.
  expect(answer.status()).toBe(200);
  await expect(page.getByText('Ces réponses appellent d’autres questions', { exact: false })).toBeVisible();
  await page.getByLabel('Numéro et voie', { exact: true }).fill('3 place de la Mairie');
  await page.getByLabel('Code postal', { exact: true }).fill('45000');
  await page.getByLabel('Commune', { exact: true }).fill('Belleville-sur-Loire');
  // Forgetting the description is refused with the reason, and what was typed stays.
  await page.getByLabel('Description', { exact: true }).fill('');
  answer = await submit(page, page.getByRole('button', { name: 'Enregistrer le dossier', exact: true }));
  expect(answer.status()).toBe(422);
  await expect(page.getByRole('alert')).toContainText('Description');
  await expect(page.getByLabel('Numéro et voie', { exact: true })).toHaveValue('3 place de la Mairie');
  await look('filing-refused', 'Saisir un dossier pour un usager');
  await page.getByLabel('Description', { exact: true }).fill('Plaque d’égout descellée, signalée par téléphone.');
  answer = await submit(page, page.getByRole('button', { name: 'Enregistrer le dossier', exact: true }));
  expect(answer.status()).toBe(200);
  // The reference and, once, the tracking code to give to the caller (no e-mail on record).
  const reference = (await page.locator('#reference').textContent())?.trim() ?? '';
  expect(reference).toMatch(/^BEL-/);
  await look('filing-filed', `Dossier ${reference} enregistré`);
  await expect(page.locator('#tracking-code')).toHaveText(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await expect(page.getByRole('main')).toContainText('aucun accusé de réception');
  await page.getByRole('link', { name: 'Ouvrir le dossier', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(reference);
  await expect(page.getByRole('main')).toContainText(`Inès ${family}`);
  await expect(page.getByRole('main')).toContainText('3 place de la Mairie');
}

test('an agent files a phone call for someone new', async ({ page }, testInfo) => {
  await fileForSomeone(page, testInfo, true);
});

test.describe('filing for someone without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the same filing works with plain HTML forms', async ({ page }, testInfo) => {
    await fileForSomeone(page, testInfo, false);
  });
});
