import { expect, test, type Locator, type Page, type Response, type TestInfo } from '@playwright/test';
import fs from 'node:fs';
import { checkA11y, checkPage, expectLang, expectPath, pathOf, reveal, signIn, signInAsStaff, snap, submit } from './helpers';

/**
 * An agent imports people from a spreadsheet export (Windows-1252, ";"), maps the columns,
 * sees the rejected row with its reason before anything is stored, downloads it, runs the
 * import as a background job and follows its progress, then finds an imported person with
 * the search box — without accents and with a typo — and opens their 360° page.
 */

const DEMO_AGENT = { email: 'agent@belleville.example', password: 'relais-demo-2026' };

async function signInAsAgent(page: Page) {
  await signInAsStaff(page, DEMO_AGENT);
}



/** Letters only, different on every run, so names are unique and still read as names. */
function runLetters(): string {
  let n = Date.now() + Math.floor(Math.random() * 1000);
  let s = '';
  while (n > 0) {
    s += 'abcdefghijklmnopqrstuvwxyz'[n % 26];
    n = Math.floor(n / 26);
  }
  return s;
}

test('an agent imports people from a spreadsheet export and finds them with the search', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const run = runLetters();
  // "Lefèvre" with the run's letters: accents in the file, none typed in the search.
  const family = `Lefèvre${run}`;
  const familyPlain = `Lefevre${run}`;
  const csv = [
    'Prénom;Nom;Courriel;Téléphone;Adresse;Code postal;Ville',
    `Hélène;${family};helene.${run}@example.org;06 11 22 33 44;12 rue des Lilas;45000;Belleville-sur-Loire`,
    `Marc;Rouge${run};pas-un-courriel;;3 place de la Mairie;45000;Belleville-sur-Loire`,
    `"Zoé";"${family}";zoe.${run}@example.org;+33 2 38 00 00 00;"12 rue des Lilas; Bât. B";45000;"Belleville-sur-Loire"`,
  ].join('\r\n') + '\r\n';

  await signInAsAgent(page);

  await test.step('upload a Windows-1252 file separated by semicolons', async () => {
    await page.goto('/backoffice/people');
    await page.getByRole('link', { name: 'Importer des personnes', exact: true }).click();
    await expectPath(page, '/backoffice/people/import');
    await checkPage(page, testInfo, 'import-upload', 'Importer des personnes');
    await page.getByLabel('Fichier à importer', { exact: true }).setInputFiles({
      name: `contacts-${run}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'latin1'),
    });
    await submit(page, page.getByRole('button', { name: 'Envoyer et vérifier', exact: true }));
    await expect(page).toHaveURL(/\/backoffice\/people\/import\/[0-9a-f-]{36}\/mapping/);
    await checkPage(page, testInfo, 'import-mapping', 'Correspondance des colonnes');
  });

  await test.step('the columns are recognised from their French headers', async () => {
    // Headers decoded from Windows-1252: "Prénom" and "Téléphone" keep their accents.
    await expect(page.getByLabel(/^Colonne A\s«\sPrénom\s»$/)).toHaveValue('given_name');
    await expect(page.getByLabel(/^Colonne B\s«\sNom\s»$/)).toHaveValue('family_name');
    await expect(page.getByLabel(/^Colonne C\s«\sCourriel\s»$/)).toHaveValue('email');
    await expect(page.getByLabel(/^Colonne D\s«\sTéléphone\s»$/)).toHaveValue('phone');
    await expect(page.getByText('Hélène', { exact: false }).first()).toBeVisible();
    await submit(page, page.getByRole('button', { name: 'Vérifier le fichier', exact: true }));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Résultat de la vérification');
  });

  await test.step('the dry run lists the rejected row with its reason; nothing is stored yet', async () => {
    const rejected = page.getByRole('table', { name: /^Lignes refusées/ }).locator('tbody tr');
    await expect(rejected).toHaveCount(1);
    await expect(rejected.first().getByRole('rowheader')).toHaveText('3');
    await expect(rejected.first()).toContainText('Courriel');
    await checkPage(page, testInfo, 'import-report', 'Résultat de la vérification');

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Télécharger les lignes refusées (CSV)', exact: true }).first().click();
    const file = await download;
    const text = fs.readFileSync(await file.path(), 'utf8');
    expect(text).toContain(`Rouge${run}`);
    expect(text).toContain('pas-un-courriel');
    expect(text).not.toContain(`helene.${run}`);

    // Not stored before the import is started.
    await page.goto(`/backoffice/search?q=${encodeURIComponent(familyPlain)}`);
    await expect(page.getByRole('heading', { level: 2 })).toContainText(/Aucun|0/);
    await page.goBack();
  });

  await test.step('the import runs in the background with its progress', async () => {
    await submit(page, page.getByRole('button', { name: 'Importer les 2 personnes acceptées', exact: true }));
    const progress = page.locator('#import-progress');
    // Without JavaScript the page has a refresh link; with it, the section updates itself.
    await expect(async () => {
      const refresh = page.getByRole('link', { name: 'Actualiser l’avancement', exact: true });
      if (await refresh.count()) await refresh.click();
      await expect(progress.getByRole('heading', { level: 2 })).toHaveText('Import terminé', { timeout: 1_000 });
    }).toPass({ timeout: 60_000 });
    await expect(page.getByRole('progressbar', { name: 'Avancement de l’import' })).toHaveAttribute('value', '2');
    const facts = progress.locator('dl.facts');
    await expect(facts).toContainText('Personnes créées');
    await checkPage(page, testInfo, 'import-done', 'Import en cours');
  });

  await test.step('the search finds them without accents and with a typo', async () => {
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Recherche', exact: true }).click();
    await expectPath(page, '/backoffice/search');
    await checkPage(page, testInfo, 'search-empty', 'Recherche');
    const box = page.getByLabel('Nom, courriel, téléphone, adresse ou SIRET', { exact: true });

    await box.fill(`helene ${familyPlain.toLowerCase()}`);
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(`helene ${familyPlain.toLowerCase()}`);
    const results = page.locator('ol.results > li');
    await expect(results.first()).toContainText(`Hélène ${family}`);
    // The matching part is marked.
    await expect(results.first().locator('mark').first()).toBeVisible();
    await checkPage(page, testInfo, 'search-results', 'Recherche');

    // One letter wrong in the name still finds both people of the family.
    const typo = familyPlain.slice(0, 4) + 'a' + familyPlain.slice(5); // Lefe*a*re…
    await box.fill(typo);
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await expect(results).toHaveCount(2);
    await expect(page.getByText('Orthographe approchante (une lettre diffère)', { exact: false }).first()).toBeVisible();

    // By phone, written another way.
    await box.fill('0611223344');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await expect(results.filter({ hasText: `Hélène ${family}` })).toHaveCount(1);
  });

  await test.step('the 360° page shows what was imported', async () => {
    await page.locator('ol.results > li').filter({ hasText: `Hélène ${family}` }).getByRole('link').first().click();
    await expect(page).toHaveURL(/\/backoffice\/people\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Hélène ${family}`);
    await expect(page.getByRole('link', { name: `helene.${run}@example.org`, exact: true })).toBeVisible();
    await expect(page.locator('a[href="tel:+33611223344"]')).toHaveCount(1);
    await checkPage(page, testInfo, 'person-imported', `Hélène ${family}`);
  });
});
