import { expect, test } from '@playwright/test';
import { checkPage, DEMO_ADMIN, expectPath, reveal, signInAsStaff, submit, UI } from './helpers';

/**
 * Information pages: a visitor finds the demo town's articles from the home page; the demo
 * admin writes an article (a refused form first, with its field errors), publishes it, and a
 * visitor reads it — the `<script>` typed in its text shown as text. Every page is checked
 * with axe at the project's width (desktop and phone).
 */

const ADMIN_NAV = "Rubriques de l'administration";

test('an admin publishes an article and a visitor reads it', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const slug = `e2e-article-${testInfo.project.name}-${Date.now()}`;
  const title = `Horaires d'été ${testInfo.project.name}`;

  await test.step('a visitor reaches the information pages from the home page', async () => {
    await page.goto('/?lang=fr');
    await page.getByRole('link', { name: 'Toutes les informations pratiques', exact: true }).click();
    await expectPath(page, '/information');
    await checkPage(page, testInfo, 'information', 'Informations pratiques');
    await page.getByRole('link', { name: "Carte d'identité et passeport : comment faire", exact: true }).click();
    await expectPath(page, '/information/carte-identite-passeport');
    await checkPage(page, testInfo, 'information-article-demo', "Carte d'identité et passeport : comment faire");
    await expect(page.getByRole('heading', { level: 2, name: 'À apporter' })).toBeVisible();
  });

  await test.step('the admin writes an article; a form with errors is refused', async () => {
    await signInAsStaff(page, DEMO_ADMIN);
    await (await reveal(page, page.getByRole('link', { name: UI.fr.admin, exact: true }))).click();
    const link = page.getByRole('navigation', { name: ADMIN_NAV, exact: true }).getByRole('link', { name: "Articles d'information", exact: true });
    await link.click();
    await expectPath(page, '/admin/articles');
    await checkPage(page, testInfo, 'articles-admin', "Articles d'information");

    // The browser checks required fields itself; the server names what it refuses.
    await page.getByLabel('Adresse courte', { exact: true }).fill('Pas Une Adresse');
    await page.getByLabel('Catégorie', { exact: true }).fill('etat-civil');
    const french = page.getByRole('group', { name: 'En français', exact: true });
    await french.getByLabel('Titre', { exact: true }).fill(title);
    await french.getByLabel('Texte', { exact: true }).fill(
      "La mairie ouvre de 9 h à 12 h en juillet et en août.\n\n## À savoir\n- les démarches en ligne restent ouvertes\n- <script>alert('x')</script>",
    );
    const refused = await submit(page, page.getByRole('button', { name: "Créer l'article", exact: true }));
    expect(refused.status()).toBe(422);
    await expect(page.getByRole('alert')).toContainText('Saisissez une adresse courte');
    await expect(page.getByLabel('Adresse courte', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(french.getByLabel('Titre', { exact: true })).toHaveValue(title);
    await checkPage(page, testInfo, 'articles-admin-errors', "Articles d'information");

    await page.getByLabel('Adresse courte', { exact: true }).fill(slug);
    const created = await submit(page, page.getByRole('button', { name: "Créer l'article", exact: true }));
    expect(created.status()).toBe(303);
    await expect(page.getByRole('status')).toHaveText('Article créé, en brouillon.');
    await checkPage(page, testInfo, 'article-edit', `Article : ${title}`);

    await submit(page, page.getByRole('button', { name: 'Publier', exact: true }));
    await expect(page.getByRole('status')).toHaveText('Article publié.');
    await expect(page.getByRole('link', { name: `/information/${slug}`, exact: true })).toBeVisible();
  });

  await test.step('a visitor reads it', async () => {
    await (await reveal(page, page.getByRole('button', { name: UI.fr.signOut, exact: true }))).click();
    await page.goto('/information');
    await page.getByRole('link', { name: title, exact: true }).click();
    await expectPath(page, `/information/${slug}`);
    await checkPage(page, testInfo, 'information-article-new', title);
    await expect(page.getByText('La mairie ouvre de 9 h à 12 h en juillet et en août.')).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: 'À savoir' })).toBeVisible();
    // Typed markup is shown as text, never run.
    await expect(page.getByRole('listitem').filter({ hasText: "<script>alert('x')</script>" })).toBeVisible();
    await expect(page.locator('main script')).toHaveCount(0);
  });
});
