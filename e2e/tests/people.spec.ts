import { expect, test, type Locator, type Page, type Response, type TestInfo } from '@playwright/test';
import { checkA11y, checkPage, expectLang, expectPath, pathOf, reveal, saveHtmlText, signIn, signInAsStaff, snap, submit } from './helpers';

/**
 * A demo agent (not an admin) works with the back office People pages, as a user would (plain
 * clicks and typing): open "Personnes" from the header, create a person, add an e-mail and a
 * phone typed the French way, record a consent, log interactions and filter the timeline by
 * channel, create an organisation and link the person to it, open the organisation page from
 * the person's links, and find the person from the list's search box (with and without the
 * accents). An invalid phone is refused with its error and changes nothing.
 * Every page visited gets an axe check (its HTML is kept for `npm run validate-html`), a reflow
 * check (no horizontal scroll at the project's width) and a full-page screenshot.
 */

const DEMO_AGENT = { email: 'agent@belleville.example', password: 'relais-demo-2026' };
const MAIN_NAV = 'Navigation principale';
const PEOPLE_NAV = 'Personnes et organisations';

async function signInAsAgent(page: Page) {
  await signInAsStaff(page, DEMO_AGENT);
}



/** The notice shown after a successful change. */
async function expectNotice(page: Page, text: string) {
  await expect(page.getByRole('main').getByText(text, { exact: true })).toBeVisible();
}

/** The rows of the contact points table of the 360° page (empty when there is no table). */
function contactRows(page: Page): Locator {
  return page.getByRole('table', { name: 'Coordonnées', exact: true }).locator('tbody tr');
}

/** Opens the "Ajouter une coordonnée" disclosure unless it is open already. */
async function openAddContact(page: Page) {
  const details = page.locator('details').filter({ has: page.locator('summary', { hasText: 'Ajouter une coordonnée' }) });
  if ((await details.getAttribute('open')) === null) {
    await details.locator('summary').click();
  }
  await expect(page.getByLabel('Téléphone', { exact: true })).toBeVisible();
}

test('an agent manages a person, their contact points, consents and interactions', async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  const run = Date.now().toString(36);
  const given = 'Hélène';
  const family = `Aubépine-${project[0].toUpperCase()}${project.slice(1)}-${run}`;
  const fullName = `${given} ${family}`;
  const email = `helene.${project}.${run}@example.org`;
  const orgName = `Association des Lilas ${project} ${run}`;
  let personPath = '';

  await signInAsAgent(page);
  // The agent is not an admin: no "Administration" link.
  await expect(page.getByRole('link', { name: 'Administration', exact: true })).toHaveCount(0);

  await test.step('open "Personnes" from the header', async () => {
    const link = await reveal(
      page,
      page.getByRole('navigation', { name: MAIN_NAV, exact: true }).getByRole('link', { name: 'Personnes', exact: true }),
    );
    await link.click();
    await expectPath(page, '/backoffice/people');
    await expect(link).toHaveAttribute('aria-current', 'page');
    await expect(
      page.getByRole('navigation', { name: PEOPLE_NAV, exact: true }).getByRole('link', { name: 'Personnes', exact: true }),
    ).toHaveAttribute('aria-current', 'true');
    await checkPage(page, testInfo, 'people-list', 'Personnes');
  });

  await test.step('create a person', async () => {
    await page.getByRole('link', { name: 'Nouvelle personne', exact: true }).click();
    await expectPath(page, '/backoffice/people/new');
    await checkPage(page, testInfo, 'person-new', 'Nouvelle personne');
    await page.getByLabel('Prénom', { exact: true }).fill(given);
    await page.getByLabel('Nom de famille', { exact: true }).fill(family);
    await page.getByLabel('Langue préférée', { exact: true }).selectOption({ label: 'Français' });
    const answer = await submit(page, page.getByRole('button', { name: 'Enregistrer', exact: true }));
    expect(answer.status()).toBe(303);
    await expect.poll(() => pathOf(page)).toMatch(/^\/backoffice\/people\/[0-9a-f-]{36}$/);
    personPath = pathOf(page);
    await expectNotice(page, 'La personne a été créée.');
    await expect(page.getByText('Aucune coordonnée pour l’instant.', { exact: true })).toBeVisible();
    await checkPage(page, testInfo, 'person-created', fullName);
  });

  await test.step('add an e-mail address', async () => {
    await openAddContact(page);
    await page.getByLabel('Adresse électronique', { exact: true }).fill(email);
    await submit(page, page.getByRole('button', { name: 'Ajouter l’adresse électronique', exact: true }));
    await expectPath(page, personPath);
    await expectNotice(page, 'La coordonnée a été ajoutée.');
    await expect(contactRows(page)).toHaveCount(1);
    await expect(page.getByRole('link', { name: email, exact: true })).toHaveAttribute('href', `mailto:${email}`);
    await checkPage(page, testInfo, 'person-email-added', fullName);
  });

  await test.step('an invalid phone "12" is refused and changes nothing', async () => {
    await openAddContact(page);
    await page.getByLabel('Téléphone', { exact: true }).fill('12');
    const answer = await submit(page, page.getByRole('button', { name: 'Ajouter le numéro', exact: true }));
    expect(answer.status()).toBe(422);
    saveHtmlText(`people-phone-refused-${project}`, await answer.text());
    const error = 'Saisissez un numéro de téléphone, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78.';
    const alert = page.locator('#form-errors');
    await expect(alert).toHaveAttribute('role', 'alert');
    await expect(alert).toContainText('Le formulaire contient une erreur.');
    await expect(alert.getByRole('link', { name: error, exact: true })).toHaveAttribute('href', '#phone');
    // The field says what is wrong, keeps what was typed, and is described by its error.
    const phone = page.getByLabel('Téléphone', { exact: true });
    await expect(phone).toBeVisible(); // the disclosure is open again
    await expect(phone).toHaveValue('12');
    await expect(phone).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#phone-error')).toHaveText(error);
    await expect(phone).toHaveAccessibleDescription(new RegExp(error.replace(/[.+]/g, '\\$&')));
    // Nothing changed: still the e-mail address only.
    await expect(contactRows(page)).toHaveCount(1);
    await checkPage(page, testInfo, 'person-phone-refused', fullName);
    await page.goto(personPath);
    await expect(contactRows(page)).toHaveCount(1);
    await expect(page.locator('a[href^="tel:"]')).toHaveCount(0);
  });

  await test.step('add a phone written "06 12 34 56 78"', async () => {
    await openAddContact(page);
    await page.getByLabel('Téléphone', { exact: true }).fill('06 12 34 56 78');
    await submit(page, page.getByRole('button', { name: 'Ajouter le numéro', exact: true }));
    await expectPath(page, personPath);
    await expectNotice(page, 'La coordonnée a été ajoutée.');
    await expect(contactRows(page)).toHaveCount(2);
    const tel = page.locator('a[href^="tel:"]');
    await expect(tel).toHaveCount(1);
    await expect(tel).toHaveAttribute('href', 'tel:+33612345678');
    await expect(tel).toHaveText(/^\+33 ?6 ?12 ?34 ?56 ?78$/);
    await checkPage(page, testInfo, 'person-phone-added', fullName);
  });

  await test.step('record a consent', async () => {
    await page.getByLabel('Finalité', { exact: true }).fill('lettre-information');
    await page.getByLabel('État', { exact: true }).selectOption({ label: 'Donné' });
    await page.getByLabel('Origine', { exact: true }).selectOption({ label: 'Téléphone' });
    await submit(page, page.getByRole('button', { name: 'Enregistrer le consentement', exact: true }));
    await expectPath(page, personPath);
    await expectNotice(page, 'Le consentement a été enregistré.');
    const row = page.getByRole('table', { name: 'Consentements', exact: true }).locator('tbody tr');
    await expect(row).toHaveCount(1);
    await expect(row.getByRole('rowheader')).toHaveText('lettre-information');
    await expect(row).toContainText('Donné');
    await expect(row).toContainText('Téléphone');
    await checkPage(page, testInfo, 'person-consent-recorded', fullName);
  });

  const log = page.getByRole('form', { name: 'Noter un contact', exact: true });
  const timeline = page.locator('ol.timeline > li');
  const phoneSummary = `Appel de ${given} au sujet de la cantine (${run}).`;
  const counterSummary = `Passage au guichet de ${given} avec un justificatif (${run}).`;

  await test.step('log a phone interaction, and one at the counter', async () => {
    // The consent just recorded is the only entry of the timeline so far.
    await expect(timeline).toHaveCount(1);
    await expect(timeline.first()).toContainText('Consentement');
    await expect(timeline.first()).toContainText('lettre-information');
    await log.getByLabel('Canal', { exact: true }).selectOption({ label: 'Téléphone' });
    await log.getByLabel('Sens', { exact: true }).selectOption({ label: 'Entrant' });
    await log.getByLabel('Résumé', { exact: true }).fill(phoneSummary);
    await log.getByLabel('Durée en minutes', { exact: false }).fill('5');
    await submit(page, log.getByRole('button', { name: 'Noter un contact', exact: true }));
    await expectPath(page, personPath);
    await expectNotice(page, 'Le contact a été noté.');
    // Newest first: the call, then the consent.
    await expect(timeline).toHaveCount(2);
    await expect(timeline.first()).toContainText('Téléphone');
    await expect(timeline.first()).toContainText('Entrant');
    await expect(timeline.first()).toContainText('Karim Benali'); // the demo agent
    await expect(timeline.first()).toContainText(phoneSummary);
    // A valid HTML date and time (at most three digits of fractions of a second).
    await expect(timeline.first().locator('time')).toHaveAttribute(
      'datetime',
      /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)$/,
    );
    await checkPage(page, testInfo, 'person-interaction-logged', fullName);

    await log.getByLabel('Canal', { exact: true }).selectOption({ label: 'Guichet' });
    await log.getByLabel('Sens', { exact: true }).selectOption({ label: 'Entrant' });
    await log.getByLabel('Résumé', { exact: true }).fill(counterSummary);
    await submit(page, log.getByRole('button', { name: 'Noter un contact', exact: true }));
    await expectNotice(page, 'Le contact a été noté.');
    await expect(timeline).toHaveCount(3);
    await expect(timeline.first()).toContainText(counterSummary);
  });

  await test.step('filter the timeline by channel', async () => {
    const filter = page.locator('form').filter({ has: page.getByRole('button', { name: 'Filtrer', exact: true }) });
    await filter.getByLabel('Canal', { exact: true }).selectOption({ label: 'Téléphone' });
    await filter.getByRole('button', { name: 'Filtrer', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('channel')).toBe('phone');
    // The call and the consent given by phone; not the visit at the counter.
    await expect(timeline).toHaveCount(2);
    await expect(timeline.first()).toContainText(phoneSummary);
    await expect(timeline.nth(1)).toContainText('lettre-information');
    await expect(page.getByText(counterSummary)).toHaveCount(0);
    // The filter keeps its choice.
    await expect(filter.getByLabel('Canal', { exact: true })).toHaveValue('phone');
    await checkPage(page, testInfo, 'person-timeline-phone', fullName);

    await filter.getByLabel('Canal', { exact: true }).selectOption({ label: 'Courrier' });
    await filter.getByRole('button', { name: 'Filtrer', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('channel')).toBe('letter');
    await expect(timeline).toHaveCount(0);
    await expect(page.getByText('Rien dans l’historique pour ce filtre.', { exact: true })).toBeVisible();
    await checkPage(page, testInfo, 'person-timeline-letter', fullName);

    await filter.getByLabel('Canal', { exact: true }).selectOption({ label: 'Tous les canaux' });
    await filter.getByRole('button', { name: 'Filtrer', exact: true }).click();
    await expect(timeline).toHaveCount(3);
  });

  await test.step('create an organisation, link the person to it and open its page', async () => {
    await page.getByRole('navigation', { name: PEOPLE_NAV, exact: true }).getByRole('link', { name: 'Organisations', exact: true }).click();
    await expectPath(page, '/backoffice/organisations');
    await checkPage(page, testInfo, 'organisations-list', 'Organisations');
    await page.getByRole('link', { name: 'Nouvelle organisation', exact: true }).click();
    await expectPath(page, '/backoffice/organisations/new');
    await checkPage(page, testInfo, 'organisation-new', 'Nouvelle organisation');
    await page.getByLabel('Nom', { exact: true }).fill(orgName);
    await submit(page, page.getByRole('button', { name: 'Enregistrer', exact: true }));
    await expect.poll(() => pathOf(page)).toMatch(/^\/backoffice\/organisations\/[0-9a-f-]{36}$/);
    const orgPath = pathOf(page);
    await expectNotice(page, 'L’organisation a été créée.');
    await expect(page.getByText('Personne n’est encore liée à cette organisation.', { exact: true })).toBeVisible();
    await checkPage(page, testInfo, 'organisation-created', orgName);

    await page.goto(personPath);
    await page.getByLabel('Lien', { exact: true }).selectOption({ label: 'Membre de' });
    await page.getByLabel('Avec', { exact: true }).selectOption({ label: orgName });
    await submit(page, page.getByRole('button', { name: 'Ajouter le lien', exact: true }));
    await expectPath(page, personPath);
    await expectNotice(page, 'Le lien a été ajouté.');
    const links = page.getByRole('region', { name: 'Liens', exact: true });
    const link = links.getByRole('listitem');
    await expect(link).toHaveCount(1);
    await expect(link).toContainText('Membre de');
    await expect(link.getByRole('link', { name: orgName, exact: true })).toBeVisible();
    // It can be removed from here (a button named after what it removes).
    await expect(link.getByRole('button', { name: `Retirer ${orgName}`, exact: true })).toBeVisible();
    await checkPage(page, testInfo, 'person-relationship-added', fullName);

    await links.getByRole('link', { name: orgName, exact: true }).click();
    await expectPath(page, orgPath);
    const members = page.getByRole('table', { name: 'Membres et représentants', exact: true }).locator('tbody tr');
    await expect(members).toHaveCount(1);
    await expect(members.getByRole('link', { name: fullName, exact: true })).toHaveAttribute('href', personPath);
    await expect(members).toContainText('Membre');
    await checkPage(page, testInfo, 'organisation-page', orgName);
  });

  await test.step('search the person by name from the list, with and without accents', async () => {
    const search = async (q: string) => {
      const link = await reveal(
        page,
        page.getByRole('navigation', { name: MAIN_NAV, exact: true }).getByRole('link', { name: 'Personnes', exact: true }),
      );
      await link.click();
      await expectPath(page, '/backoffice/people');
      const box = page.getByRole('search').getByLabel('Rechercher par nom, courriel, téléphone ou adresse', { exact: true });
      await box.fill(q);
      await page.getByRole('search').getByRole('button', { name: 'Rechercher', exact: true }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(q);
      const results = page.getByRole('table', { name: `Résultats pour « ${q} »`, exact: true });
      await expect(results).toBeVisible();
      const rows = results.locator('tbody tr');
      await expect(rows).toHaveCount(1);
      const row = rows.first();
      // One link to the person, named after them (the matching words marked).
      const personLink = row.locator(`a[href="${personPath}"]`);
      await expect(personLink).toHaveCount(1);
      await expect(personLink).toContainText(family);
      await expect(personLink).toContainText(given);
      await expect(row).toContainText(email);
      await expect(row).toContainText(/\+33 ?6 ?12 ?34 ?56 ?78/);
      await expect(box).toHaveValue(q);
    };
    await search(fullName);
    await checkPage(page, testInfo, 'people-search-accents', 'Personnes');
    const folded = fullName
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
    expect(folded).toBe(`helene aubepine-${project}-${run}`);
    await search(folded);
    await checkPage(page, testInfo, 'people-search-folded', 'Personnes');
    // The search result leads to the 360° page.
    await page.locator(`a[href="${personPath}"]`).first().click();
    await expectPath(page, personPath);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(fullName);

    // A name nobody has.
    const box = page.getByRole('search');
    await page.goto('/backoffice/people');
    await box.getByLabel('Rechercher par nom, courriel, téléphone ou adresse', { exact: true }).fill(`personne-${run}-introuvable`);
    await box.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await expect(page.getByText('Personne ne correspond à cette recherche.', { exact: true })).toBeVisible();
    await checkPage(page, testInfo, 'people-search-none', 'Personnes');
  });
});
