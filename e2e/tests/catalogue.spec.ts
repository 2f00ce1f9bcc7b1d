import fs from 'node:fs';
import { expect, test, type Locator, type Page, type Response, type TestInfo } from '@playwright/test';
import { checkA11y, checkPage, expectLang, expectPath, pathOf, reveal, saveHtmlText, signIn, snap, submit, UI } from './helpers';

/**
 * The demo admin builds a service through the catalogue pages, as a user would (plain clicks
 * and typing, no request forged in JavaScript): create it, add a yes/no field and a long text
 * shown only on "yes", a required document, look at the workflow and service levels, publish,
 * download the definition, then try two broken definitions (an import, a builder edit) and see
 * them refused with the path of the error. Then the business calendar: Monday morning hours.
 * Every page visited gets an axe check (its HTML is kept for `npm run validate-html`) and a
 * full-page screenshot; the two projects give the desktop and phone widths.
 */

const ADMIN_NAV = "Rubriques de l'administration";
const SERVICE_NAV = 'Rubriques de la démarche';
const SAVED = 'Le brouillon est enregistré.';

/** Signs in as the demo admin on the French sign-in page; the back office ends up in French. */
async function signInAsAdmin(page: Page) {
  await page.goto('/backoffice/login');
  await signIn(page, 'fr');
  await expectPath(page, '/backoffice');
  // Another test may have left the admin's language on English.
  if ((await page.locator('html').getAttribute('lang'))?.startsWith('en')) {
    await (await reveal(page, page.getByRole('link', { name: 'Français', exact: true }))).click();
  }
  await expectLang(page, 'fr');
}

/** Header link "Administration", then a link of the admin sections navigation. */
async function openAdminSection(page: Page, name: string, path: string) {
  await (await reveal(page, page.getByRole('link', { name: UI.fr.admin, exact: true }))).click();
  await expectPath(page, '/admin');
  const link = page.getByRole('navigation', { name: ADMIN_NAV, exact: true }).getByRole('link', { name, exact: true });
  await link.click();
  await expectPath(page, path);
  await expect(link).toHaveAttribute('aria-current', 'page');
}



/** The value of a fact ("État", "Version publiée"…) in the service page's summary list. */
function fact(page: Page, term: string): Locator {
  return page.locator('dl.facts dt').filter({ hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]');
}

async function openTab(page: Page, name: string, path: string) {
  const tab = page.getByRole('navigation', { name: SERVICE_NAV, exact: true }).getByRole('link', { name, exact: true });
  await tab.click();
  await expectPath(page, path);
  await expect(tab).toHaveAttribute('aria-current', 'page');
}

test('the admin builds, publishes and exports a service; broken definitions are refused', async ({ page }, testInfo) => {
  test.setTimeout(420_000);
  const slug = `e2e-${testInfo.project.name}-${Date.now()}`;
  const titleFr = `Demande de test ${testInfo.project.name}`;
  const titleEn = `Test request ${testInfo.project.name}`;
  let base = ''; // /admin/services/{id}

  await signInAsAdmin(page);

  await test.step('the catalogue lists the demo services', async () => {
    await openAdminSection(page, 'Catalogue', '/admin/services');
    const table = page.getByRole('table', { name: 'Démarches du catalogue', exact: true });
    await expect(table.getByRole('link', { name: "Demande d'acte d'état civil", exact: true })).toBeVisible();
    await expect(table.getByRole('link', { name: 'Collecte des encombrants', exact: true })).toBeVisible();
    await expect(table.getByRole('row', { name: /Demande d'acte d'état civil/ })).toContainText('publiée');
    await checkPage(page, testInfo, 'catalogue-list', 'Catalogue des démarches');
  });

  await test.step('create a service', async () => {
    await page.getByRole('link', { name: 'Créer une démarche', exact: true }).click();
    await expectPath(page, '/admin/services/new');
    await checkPage(page, testInfo, 'catalogue-new', 'Créer une démarche');
    await page.getByLabel('Nom court (dans les adresses)', { exact: true }).fill(slug);
    await page.getByLabel('Titre en français', { exact: true }).fill(titleFr);
    await page.getByLabel('Titre en anglais', { exact: true }).fill(titleEn);
    await page.getByLabel('Description en français', { exact: true }).fill('Une démarche créée par le test de bout en bout.');
    await page.getByLabel('Description en anglais', { exact: true }).fill('A service created by the end-to-end test.');
    await page.getByLabel('Catégorie', { exact: true }).fill('essais');
    await page.getByLabel('Public', { exact: true }).fill('particuliers');
    const channels = page.getByRole('group', { name: 'Canaux', exact: true });
    await expect(channels.getByLabel('Portail en ligne', { exact: true })).toBeChecked(); // the default
    await channels.getByLabel('Courriel', { exact: true }).check();
    await channels.getByLabel('Guichet', { exact: true }).check();
    const who = page.getByRole('group', { name: 'Qui peut déposer une demande', exact: true });
    await who.getByLabel('Les personnes connectées', { exact: true }).check();
    await page.getByRole('button', { name: 'Créer une démarche', exact: true }).click();

    await expect(page).toHaveURL(/\/admin\/services\/[0-9a-f-]{36}\?notice=catalogue-created$/);
    base = pathOf(page);
    await expect(page.getByRole('status')).toHaveText('La démarche est créée en brouillon.');
    await expect(fact(page, 'État')).toHaveText('brouillon');
    await expect(fact(page, 'Version publiée')).toHaveText("aucune pour l'instant");
    await expect(fact(page, 'Version en brouillon')).toHaveText('1');
    // The descriptive fields are kept as typed.
    await expect(page.getByLabel('Nom court (dans les adresses)', { exact: true })).toHaveValue(slug);
    await expect(page.getByLabel('Titre en anglais', { exact: true })).toHaveValue(titleEn);
    await expect(page.getByLabel('Guichet', { exact: true })).toBeChecked();
    await expect(page.getByLabel('Téléphone', { exact: true })).not.toBeChecked();
    await expect(page.getByLabel('Les personnes connectées', { exact: true })).toBeChecked();
    await checkPage(page, testInfo, 'catalogue-service-created', titleFr);
  });

  await test.step('form: a yes/no field, and a long text shown only on "yes"', async () => {
    await openTab(page, 'Formulaire', `${base}/form`);
    await expect(page.getByText('Vous modifiez le brouillon, version 1.')).toBeVisible();
    await checkPage(page, testInfo, 'catalogue-form', titleFr);

    const page1 = page.getByRole('region', { name: /^Page 1 — / });
    // The starter field is there.
    await expect(page1.getByRole('table', { name: 'Champs de la page 1' }).getByRole('link', { name: 'subject', exact: true })).toBeVisible();

    // The yes/no field.
    await page1.getByText('Ajouter un champ à la page 1', { exact: true }).click();
    await page1.getByLabel('Type', { exact: true }).selectOption({ label: 'Oui ou non' });
    await page1.getByLabel('Identifiant du champ', { exact: true }).fill('precisions_souhaitees');
    await page1.getByLabel('Libellé en français', { exact: true }).fill('Souhaitez-vous ajouter des précisions ?');
    await page1.getByLabel('Libellé en anglais', { exact: true }).fill('Do you wish to add details?');
    await page1.getByLabel('Réponse obligatoire', { exact: true }).check();
    await page1.getByRole('button', { name: 'Ajouter le champ', exact: true }).click();
    await expectPath(page, `${base}/form/pages/0/fields/1`);
    await expect(page.getByRole('status')).toHaveText(SAVED);
    await expect(page.getByText('Type : Oui ou non', { exact: true })).toBeVisible();
    await expect(page.getByLabel('Réponse obligatoire', { exact: true })).toBeChecked();
    await checkPage(page, testInfo, 'catalogue-field-yes-no', 'Champ precisions_souhaitees');

    // The long text, added from the form page.
    await page.getByRole('link', { name: 'Retour au formulaire', exact: true }).click();
    await expectPath(page, `${base}/form`);
    await page1.getByText('Ajouter un champ à la page 1', { exact: true }).click();
    await page1.getByLabel('Type', { exact: true }).selectOption({ label: 'Texte long' });
    await page1.getByLabel('Identifiant du champ', { exact: true }).fill('precisions');
    await page1.getByLabel('Libellé en français', { exact: true }).fill('Vos précisions');
    await page1.getByLabel('Libellé en anglais', { exact: true }).fill('Your details');
    await page1.getByRole('button', { name: 'Ajouter le champ', exact: true }).click();
    await expectPath(page, `${base}/form/pages/0/fields/2`);
    await expect(page.getByText('Type : Texte long', { exact: true })).toBeVisible();

    // Shown if the yes/no answer is "yes".
    // (`first()`: the condition may offer several tests; the first one is used.)
    const condition = page.getByRole('group', { name: 'Condition', exact: true });
    const earlier = condition.getByLabel('Champ précédent', { exact: true }).first();
    const op = condition.getByLabel('Test', { exact: true }).first();
    const value = condition.getByLabel('Valeur', { exact: true }).first();
    await expect(earlier.locator('option')).toHaveText([
      'Toujours affiché',
      'Objet de la demande (subject)',
      'Souhaitez-vous ajouter des précisions ? (precisions_souhaitees)',
    ]);
    await earlier.selectOption({ label: 'Souhaitez-vous ajouter des précisions ? (precisions_souhaitees)' });
    await op.selectOption({ label: 'est égal à' });
    await value.fill('oui');
    await page.getByLabel('Longueur maximale (caractères)', { exact: true }).fill('2000');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${base}/form/pages/0/fields/2\\?notice=catalogue-draft-saved$`));
    await expect(page.getByRole('status')).toHaveText(SAVED);
    await expect(earlier).toHaveValue('precisions_souhaitees');
    await expect(op).toHaveValue('equals');
    await expect(value).toHaveValue(/^(oui|true)$/); // shown back as typed or as the stored value
    await expect(page.getByLabel('Longueur maximale (caractères)', { exact: true })).toHaveValue('2000');
    await checkPage(page, testInfo, 'catalogue-field-long-text', 'Champ precisions');

    // The form page sums it up.
    await page.getByRole('link', { name: 'Retour au formulaire', exact: true }).click();
    const fields = page1.getByRole('table', { name: 'Champs de la page 1' });
    const row = fields.getByRole('row').filter({ has: page.getByRole('link', { name: 'precisions', exact: true }) });
    await expect(row).toContainText('Texte long');
    await expect(row.getByRole('cell').nth(3)).toContainText(/precisions_souhaitees\s*=\s*(true|oui)/);
    const yesNo = fields.getByRole('row').filter({ has: page.getByRole('link', { name: 'precisions_souhaitees', exact: true }) });
    await expect(yesNo).toContainText('Oui ou non');
    await expect(page.getByText('La définition est complète : elle peut être publiée.')).toBeVisible();
    await checkPage(page, testInfo, 'catalogue-form-built', titleFr);
  });

  await test.step('documents: a required proof of address', async () => {
    await openTab(page, 'Pièces', `${base}/documents`);
    await expect(page.getByText('La démarche ne demande aucune pièce.')).toBeVisible();
    await checkPage(page, testInfo, 'catalogue-documents', titleFr);
    await page.getByLabel('Identifiant de la pièce', { exact: true }).fill('justificatif_domicile');
    await page.getByLabel('Type de pièce', { exact: true }).selectOption({ label: 'Justificatif de domicile' });
    await page.getByLabel('Libellé en français', { exact: true }).fill('Justificatif de domicile de moins de trois mois');
    await page.getByLabel('Libellé en anglais', { exact: true }).fill('Proof of address less than three months old');
    await page.getByLabel('Obligatoire', { exact: true }).check();
    await page.getByLabel('Délivrée il y a au plus (jours)', { exact: true }).fill('90');
    await page.getByRole('button', { name: 'Ajouter une pièce', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${base}/documents\\?notice=catalogue-draft-saved$`));
    await expect(page.getByRole('status')).toHaveText(SAVED);
    const row = page
      .getByRole('table', { name: 'Pièces justificatives', exact: true })
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'justificatif_domicile', exact: true }) });
    await expect(row.getByRole('cell')).toHaveText([
      'Justificatif de domicile',
      'Justificatif de domicile de moins de trois mois',
      'Oui',
      'Non',
      '90',
      /Supprimer/,
    ]);
    await checkPage(page, testInfo, 'catalogue-documents-added', titleFr);
  });

  await test.step('workflow and service levels', async () => {
    await openTab(page, 'Circuit de traitement', `${base}/workflow`);
    const statuses = page.getByRole('table', { name: 'Statuts', exact: true });
    for (const id of ['open', 'accepted', 'refused', 'withdrawn']) {
      await expect(statuses.getByRole('rowheader', { name: new RegExp(`^${id}\\b`) })).toBeVisible();
    }
    await expect(page.getByLabel("Statut d'une nouvelle demande", { exact: true })).toHaveValue('open');
    const transitions = page.getByRole('table', { name: 'Transitions', exact: true });
    for (const id of ['accept', 'refuse', 'withdraw']) {
      await expect(transitions.getByRole('rowheader', { name: id, exact: true })).toBeVisible();
    }
    await expect(
      transitions.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'withdraw', exact: true }) }),
    ).toContainText('Le demandeur');
    await checkPage(page, testInfo, 'catalogue-workflow', titleFr);

    await openTab(page, 'Niveaux de service', `${base}/sla`);
    const normal = page.getByRole('group', { name: 'Priorité normale', exact: true });
    await expect(normal.getByLabel('Première réponse', { exact: true })).toHaveValue('2');
    await expect(normal.getByLabel('Résolution', { exact: true })).toHaveValue('10');
    await expect(normal.getByLabel('Unité', { exact: true }).first()).toHaveValue('days');
    await checkPage(page, testInfo, 'catalogue-sla', titleFr);
    // A target for high priority: first response in 4 business hours, resolution in 3 days.
    const high = page.getByRole('group', { name: 'Priorité haute', exact: true });
    await high.getByLabel('Première réponse', { exact: true }).fill('4');
    await high.getByLabel('Unité', { exact: true }).first().selectOption({ label: 'heures ouvrées' });
    await high.getByLabel('Résolution', { exact: true }).fill('3');
    await high.getByLabel('Unité', { exact: true }).nth(1).selectOption({ label: 'jours ouvrés' });
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${base}/sla\\?notice=catalogue-draft-saved$`));
    await expect(page.getByRole('status')).toHaveText(SAVED);
    await expect(high.getByLabel('Première réponse', { exact: true })).toHaveValue('4');
    await expect(high.getByLabel('Unité', { exact: true }).first()).toHaveValue('hours');
    await expect(high.getByLabel('Résolution', { exact: true })).toHaveValue('3');
    await expect(page.getByText('La définition est complète : elle peut être publiée.')).toBeVisible();
    await checkPage(page, testInfo, 'catalogue-sla-saved', titleFr);
  });

  let exported: any;
  await test.step('publish version 1 and download its definition', async () => {
    await openTab(page, "Vue d'ensemble", base);
    await expect(page.getByText('La version 1 est complète et peut être publiée.')).toBeVisible();
    await page.getByRole('button', { name: 'Publier la version 1', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${base}\\?notice=catalogue-published$`));
    await expect(page.getByRole('status')).toContainText('La version est publiée');
    await expect(fact(page, 'État')).toHaveText('publiée');
    await expect(fact(page, 'Version publiée')).toHaveText('1');
    await expect(fact(page, 'Version en brouillon')).toHaveText('aucune');
    const versions = page.getByRole('table', { name: 'Versions', exact: true });
    await expect(versions.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '1', exact: true }) })).toContainText(
      'publiée',
    );
    await checkPage(page, testInfo, 'catalogue-published', titleFr);

    // The catalogue lists it as published, version 1.
    await page.getByRole('link', { name: 'Retour au catalogue', exact: true }).click();
    await expectPath(page, '/admin/services');
    const listed = page.getByRole('row').filter({ has: page.getByRole('link', { name: titleFr, exact: true }) });
    await expect(listed.getByRole('cell')).toHaveText(['essais', 'publiée', '1', '']);
    await listed.getByRole('link', { name: titleFr, exact: true }).click();
    await expectPath(page, base);

    // The export link downloads the definition, with the new fields and document.
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Télécharger la définition en cours (JSON).', exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`${slug}-v1.json`);
    exported = JSON.parse(fs.readFileSync(await file.path(), 'utf8'));
    const fieldsOut = exported.form.pages[0].fields;
    expect(fieldsOut.map((f: { id: string }) => f.id)).toEqual(['subject', 'precisions_souhaitees', 'precisions']);
    expect(fieldsOut[1]).toMatchObject({ kind: 'yes_no', required: true });
    expect(fieldsOut[2]).toMatchObject({ kind: 'long_text', max_length: 2000 });
    // One test, alone or as the only member of an "all" list.
    const showIf = fieldsOut[2].show_if;
    expect(showIf.all?.length === 1 ? showIf.all[0] : showIf).toEqual({ field: 'precisions_souhaitees', equals: true });
    expect(exported.documents).toEqual([
      expect.objectContaining({ id: 'justificatif_domicile', kind: 'proof_of_address', required: true, max_age_days: 90 }),
    ]);
    expect(exported.sla.targets).toEqual(
      expect.arrayContaining([expect.objectContaining({ priority: 'high', first_response: { hours: 4 }, resolution: { days: 3 } })]),
    );
  });

  await test.step('an imported definition with a transition to an unknown status is refused', async () => {
    const broken = structuredClone(exported);
    const t = broken.workflow.transitions.findIndex((x: { id: string }) => x.id === 'accept');
    broken.workflow.transitions[t].to = 'nowhere';
    await page.getByLabel('Ou collez la définition', { exact: true }).fill(JSON.stringify(broken, null, 2));
    const answer = await submit(page, page.getByRole('button', { name: 'Importer', exact: true }));
    expect(answer.status()).toBe(422);
    saveHtmlText(`catalogue-import-refused-${testInfo.project.name}`, await answer.text());
    const alert = page.locator('#import-errors');
    await expect(alert).toHaveAttribute('role', 'alert');
    await expect(alert).toContainText(`workflow.transitions[${t}].to: unknown status "nowhere"`);
    // The path is marked up as code (the "accepted" status, now unreachable, may be listed too).
    await expect(alert.locator('code').filter({ hasText: new RegExp(`^workflow\\.transitions\\[${t}\\]\\.to$`) })).toHaveCount(1);
    // Nothing saved: version 1 is still the published one, and there is no draft.
    await expect(fact(page, 'Version publiée')).toHaveText('1');
    await expect(fact(page, 'Version en brouillon')).toHaveText('aucune');
    // What was typed is shown again, to be corrected.
    await expect(page.getByLabel('Ou collez la définition', { exact: true })).toHaveValue(/"nowhere"/);
    await checkPage(page, testInfo, 'catalogue-import-refused', titleFr);
  });

  await test.step('a draft broken in the builder cannot be published', async () => {
    // Deleting the "refused" status leaves the "refuse" transition pointing nowhere.
    await openTab(page, 'Circuit de traitement', `${base}/workflow`);
    await expect(page.getByText('La version 1 est publiée : vos modifications créent une nouvelle version en brouillon.')).toBeVisible();
    await page.getByRole('button', { name: 'Supprimer refused', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${base}/workflow\\?notice=catalogue-draft-saved$`));
    await expect(page.getByText('Vous modifiez le brouillon, version 2.')).toBeVisible();
    const checklist = page.getByRole('region', { name: "Ce qu'il reste à faire", exact: true });
    const t = exported.workflow.transitions.findIndex((x: { id: string }) => x.id === 'refuse');
    await expect(checklist).toContainText(`workflow.transitions[${t}].to: unknown status "refused"`);
    await checkPage(page, testInfo, 'catalogue-workflow-broken', titleFr);

    await openTab(page, "Vue d'ensemble", base);
    await expect(fact(page, 'Version en brouillon')).toHaveText('2');
    await expect(page.getByText('La version 2 ne peut pas encore être publiée :')).toBeVisible();
    const answer = await submit(page, page.getByRole('button', { name: 'Publier la version 2', exact: true }));
    expect(answer.status()).toBe(422);
    saveHtmlText(`catalogue-publish-refused-${testInfo.project.name}`, await answer.text());
    const alert = page.locator('#publish-errors');
    await expect(alert).toHaveAttribute('role', 'alert');
    await expect(alert).toContainText(`workflow.transitions[${t}].to: unknown status "refused"`);
    await expect(fact(page, 'État')).toHaveText('publiée');
    await expect(fact(page, 'Version publiée')).toHaveText('1');
    await expect(fact(page, 'Version en brouillon')).toHaveText('2');
    await checkPage(page, testInfo, 'catalogue-publish-refused', titleFr);

    // Reloading the service shows the same: version 1 published, version 2 a draft.
    await page.goto(base);
    const versions = page.getByRole('table', { name: 'Versions', exact: true });
    const state = (v: string) =>
      versions.getByRole('row').filter({ has: page.getByRole('rowheader', { name: v, exact: true }) }).getByRole('cell').first();
    await expect(state('1')).toHaveText('publiée');
    await expect(state('2')).toHaveText('brouillon');
  });

  await test.step('a citizen files the published version on the portal', async () => {
    // Their own browser session, as on their own device.
    const citizen = await page.context().browser()!.newContext({
      baseURL: testInfo.project.use.baseURL,
      viewport: testInfo.project.use.viewport,
      locale: 'fr-FR',
    });
    const p = await citizen.newPage();
    await p.goto('/login');
    await signIn(p, 'fr', { email: 'camille.martin@example.org', password: 'relais-demo-2026' });
    await expectPath(p, '/');
    // Version 1 is published (version 2 is a broken draft): the portal offers version 1.
    await p.goto(`/services/${slug}`);
    await expect(p.getByRole('heading', { level: 1 })).toHaveText(titleFr);
    await checkPage(p, testInfo, 'portal-built-service', titleFr);
    await p.getByRole('link', { name: 'Commencer la démarche', exact: true }).click();
    await p.getByLabel('Objet de la demande', { exact: true }).fill('Demande déposée par le test de bout en bout');
    await p.getByRole('group', { name: 'Souhaitez-vous ajouter des précisions ?' }).getByLabel('Oui', { exact: true }).check();
    const details = p.getByLabel(/^Vos précisions/);
    await checkPage(p, testInfo, 'portal-built-service-form', titleFr);
    // Without a script in the way, the question opened by "yes" is asked on the same page.
    await expect(details).toHaveCount(0);
    await submit(p, p.getByRole('button', { name: 'Continuer', exact: true }));
    await expect(p.getByText("Vos réponses appellent d'autres questions : complétez-les ci-dessous.")).toBeVisible();
    await details.fill('Je joins mon justificatif de domicile.');
    await submit(p, p.getByRole('button', { name: 'Continuer', exact: true }));
    // The required proof of address: a real PDF, checked by its content.
    await p.getByRole('group', { name: /^Justificatif de domicile de moins de trois mois/ }).getByLabel('Ajouter des fichiers', { exact: true }).setInputFiles({
      name: 'justificatif.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    });
    await checkPage(p, testInfo, 'portal-built-service-documents', titleFr);
    await submit(p, p.getByRole('button', { name: 'Continuer', exact: true }));
    await expect(p.getByText('Demande déposée par le test de bout en bout')).toBeVisible();
    await checkPage(p, testInfo, 'portal-built-service-summary', titleFr);
    await submit(p, p.getByRole('button', { name: 'Envoyer ma demande', exact: true }));
    await expect(p.getByRole('heading', { level: 1 })).toHaveText('Votre demande est envoyée');
    const reference = (await p.locator('#reference').textContent())?.trim() ?? '';
    expect(reference).toMatch(/^[A-Z]{3}-\d{4}-[0-9A-Z]{8}$/);
    await checkPage(p, testInfo, 'portal-built-service-filed', 'Votre demande est envoyée');
    await citizen.close();

    // The agent finds it in the back office, on version 1 of the service.
    await page.goto(`/backoffice/cases?q=${encodeURIComponent(reference)}`);
    await page.getByRole('link', { name: reference }).first().click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(reference);
    await expect(page.getByText('Demande déposée par le test de bout en bout')).toBeVisible();
    await expect(page.getByRole('link', { name: 'justificatif.pdf', exact: true })).toBeVisible();
  });
});

test('the admin changes Monday morning opening hours', async ({ page }, testInfo) => {
  await signInAsAdmin(page);
  await openAdminSection(page, 'Calendrier', '/admin/calendar');
  await checkPage(page, testInfo, 'calendar', "Horaires et jours d'ouverture");

  const monday = page.getByRole('group', { name: 'Lundi', exact: true });
  const morning = monday.locator('p').filter({ hasText: 'Matin' });
  const from = morning.getByLabel('Du', { exact: true });
  const to = morning.getByLabel('Au', { exact: true });
  const before = [await from.inputValue(), await to.inputValue()];
  const tuesday = page.getByRole('group', { name: 'Mardi', exact: true }).locator('p').filter({ hasText: 'Matin' });
  const tuesdayBefore = await tuesday.getByLabel('Du', { exact: true }).inputValue();
  // A value different from the current one, so the save is seen.
  const wanted = before[0] === '08:15' ? ['08:45', '12:15'] : ['08:15', '12:15'];

  await from.fill(wanted[0]);
  await to.fill(wanted[1]);
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/calendar\?notice=calendar-saved$/);
  await expect(page.getByRole('status')).toHaveText('Le calendrier est enregistré.');
  await expect(from).toHaveValue(wanted[0]);
  await expect(to).toHaveValue(wanted[1]);
  // The other days are unchanged by the save.
  await expect(tuesday.getByLabel('Du', { exact: true })).toHaveValue(tuesdayBefore);
  await checkPage(page, testInfo, 'calendar-saved', "Horaires et jours d'ouverture");

  // Put the demo's hours back for the other tests.
  await from.fill(before[0]);
  await to.fill(before[1]);
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Le calendrier est enregistré.');
  await expect(from).toHaveValue(before[0]);
  await expect(to).toHaveValue(before[1]);
});
