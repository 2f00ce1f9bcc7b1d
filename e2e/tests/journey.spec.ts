import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { checkPage, expectPath, signInAsStaff, submit } from './helpers';

/**
 * The whole journey of issue 5, on a phone-sized screen, as the people involved would live it:
 * a citizen creates an account (the link read from the mail the server wrote in its data
 * folder), files a resident parking permit with two documents and finds the acknowledgement
 * in their mail; an agent asks for a correction of the plate number; the citizen sees that only
 * the re-opened fields can be changed, corrects and resubmits; the agent checks both documents
 * and issues the permit; the citizen sees the decision and answers the satisfaction survey.
 * Every page gets `checkPage` (one h1, no horizontal scroll at 390 px, axe, screenshot).
 */

const MAIL_DIR = path.resolve(__dirname, '..', '.data', 'mail');
const AGENT = { email: 'agent@belleville.example', password: 'relais-demo-2026' };
const SERVICE = 'Carte de stationnement résidentiel';

interface Mail {
  file: string;
  to: string;
  subject: string;
  text: string;
}

/** RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) decoded. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, _charset: string, enc: string, data: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(
            data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

function decodeBody(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return Buffer.from(
        body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      ).toString('utf8');
    default:
      return body;
  }
}

/** Headers of one MIME part (continuation lines unfolded), lower-cased names. */
function headers(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

/** The plain-text part of a message (the whole body when it is not multipart). */
function plainText(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const head = headers(raw.slice(0, split));
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const type = head.get('content-type') ?? 'text/plain';
  const boundary = type.match(/boundary="?([^";]+)"?/)?.[1];
  if (!boundary) return decodeBody(body, head.get('content-transfer-encoding') ?? '');
  for (const part of body.split(`--${boundary}`)) {
    const texts = plainText(part.replace(/^\r?\n/, ''));
    const partHead = headers(part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/)[0] ?? '');
    const partType = partHead.get('content-type') ?? '';
    if (partType.startsWith('text/plain') || partType.startsWith('multipart/')) {
      if (texts.trim()) return texts;
    }
  }
  return '';
}

/** Every mail the server wrote as an .eml file, decoded. */
function mails(): Mail[] {
  if (!fs.existsSync(MAIL_DIR)) return [];
  return fs
    .readdirSync(MAIL_DIR)
    .filter((n) => n.endsWith('.eml'))
    .map((name) => {
      const raw = fs.readFileSync(path.join(MAIL_DIR, name), 'utf8');
      const head = headers(raw.slice(0, raw.search(/\r?\n\r?\n/)));
      return {
        file: name,
        to: decodeWords(head.get('to') ?? ''),
        subject: decodeWords(head.get('subject') ?? ''),
        text: plainText(raw),
      };
    });
}

function mailsTo(email: string): Mail[] {
  return mails().filter((m) => m.to.includes(email));
}

/** A new browser session with the project's screen, as on another device. */
async function device(browser: Browser, testInfo: TestInfo): Promise<Page> {
  const context = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    viewport: testInfo.project.use.viewport,
    userAgent: testInfo.project.use.userAgent,
    deviceScaleFactor: testInfo.project.use.deviceScaleFactor,
    isMobile: testInfo.project.use.isMobile,
    hasTouch: testInfo.project.use.hasTouch,
    locale: 'fr-FR',
  });
  return context.newPage();
}

/** A small valid PDF and PNG: the server sniffs the content, not the name. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

test('a citizen files on a phone, corrects what the agent asks, gets the decision and gives their opinion', async ({
  browser,
}, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'the journey is the phone-sized one');
  test.setTimeout(300_000);
  const email = `parcours-${Date.now()}@example.org`;
  const password = 'une phrase de passe assez longue';
  const citizen = await device(browser, testInfo);
  const agent = await device(browser, testInfo);
  let reference = '';
  let caseUrl = '';

  await test.step('sign up with the link from the mail', async () => {
    await citizen.goto('/signup');
    await checkPage(citizen, testInfo, 'journey-signup', 'Créer un compte');
    await citizen.getByLabel('Prénom').fill('Inès');
    await citizen.getByLabel('Nom de famille').fill('Garnier');
    await citizen.getByLabel('Adresse e-mail').fill(email);
    await citizen.getByLabel('Mot de passe', { exact: true }).fill(password);
    await citizen.getByLabel('Confirmer le mot de passe').fill(password);
    await submit(citizen, citizen.getByRole('button', { name: 'Créer mon compte' }));
    await checkPage(citizen, testInfo, 'journey-signup-sent', 'Vérifiez votre messagerie');

    await expect.poll(() => mailsTo(email).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const link = mailsTo(email)
      .map((m) => m.text.match(/https?:\/\/[^\s]+(\/signup\/confirm\/[A-Za-z0-9_-]+)/)?.[1])
      .find(Boolean);
    expect(link, 'the sign-up mail holds the confirmation link').toBeTruthy();
    await citizen.goto(link!);
    await checkPage(citizen, testInfo, 'journey-signup-confirm', 'Confirmer votre adresse e-mail');
    await submit(citizen, citizen.getByRole('button', { name: 'Activer mon compte' }));
    await expectPath(citizen, '/account');
    await expect(citizen.getByRole('status')).toContainText('Bienvenue');
  });

  await test.step('file a resident parking permit with two documents', async () => {
    await citizen.goto('/');
    await citizen.getByRole('link', { name: SERVICE, exact: true }).click();
    await checkPage(citizen, testInfo, 'journey-service', SERVICE);
    await citizen.getByRole('link', { name: 'Commencer la démarche', exact: true }).click();

    // Page 1: the home.
    await checkPage(citizen, testInfo, 'journey-form-home', SERVICE);
    const address = citizen.getByRole('group', { name: /^Adresse du domicile/ });
    await address.getByLabel('Numéro et voie').fill('8 rue des Acacias');
    await address.getByLabel('Code postal').fill('45000');
    await address.getByLabel('Commune').fill('Belleville-sur-Loire');
    await address.getByLabel(/^Pays/).fill('FR');
    await citizen.getByRole('group', { name: 'Vous êtes' }).getByLabel('Locataire').check();
    await citizen.getByRole('group', { name: 'Durée' }).getByLabel('1 an (140 €)').check();
    await submit(citizen, citizen.getByRole('button', { name: 'Continuer', exact: true }));

    // Page 2: the vehicle, with a typo in the plate that the agent will notice.
    await expect(citizen.getByRole('heading', { level: 2, name: 'Votre véhicule' })).toBeVisible();
    await checkPage(citizen, testInfo, 'journey-form-vehicle', SERVICE);
    await citizen.getByLabel('Immatriculation').fill('GA-123-BX');
    await citizen.getByLabel('Marque et modèle').fill('Renault Zoé');
    await citizen.getByRole('group', { name: 'Titulaire de la carte grise' }).getByLabel('Moi-même').check();
    await submit(citizen, citizen.getByRole('button', { name: 'Continuer', exact: true }));

    // The documents: a PDF proof of address and a PNG registration certificate.
    await checkPage(citizen, testInfo, 'journey-documents', SERVICE);
    await citizen
      .getByRole('group', { name: /^Justificatif de domicile/ })
      .getByLabel('Ajouter des fichiers', { exact: true })
      .setInputFiles({ name: 'quittance-loyer.pdf', mimeType: 'application/pdf', buffer: PDF });
    await citizen
      .getByRole('group', { name: /^Certificat d'immatriculation/ })
      .getByLabel('Ajouter des fichiers', { exact: true })
      .setInputFiles({ name: 'carte-grise.png', mimeType: 'image/png', buffer: PNG });
    await submit(citizen, citizen.getByRole('button', { name: 'Continuer', exact: true }));

    // The summary, then the reference.
    await expect(citizen.getByText('GA-123-BX')).toBeVisible();
    await expect(citizen.getByText('quittance-loyer.pdf')).toBeVisible();
    await expect(citizen.getByText('carte-grise.png')).toBeVisible();
    await checkPage(citizen, testInfo, 'journey-summary', SERVICE);
    await submit(citizen, citizen.getByRole('button', { name: 'Envoyer ma demande', exact: true }));
    await checkPage(citizen, testInfo, 'journey-filed', 'Votre demande est envoyée');
    reference = (await citizen.locator('#reference').textContent())?.trim() ?? '';
    expect(reference).toMatch(/^[A-Z]{3}-\d{4}-[0-9A-Z]{8}$/);
    await expect(citizen.getByText(`Un accusé de réception a été envoyé à ${email}.`)).toBeVisible();
  });

  await test.step('the acknowledgement is in the mail', async () => {
    const ack = () => mailsTo(email).find((m) => m.subject.includes(reference));
    await expect.poll(() => ack()?.subject, { timeout: 10_000 }).toBe(`Accusé de réception de votre demande ${reference}`);
    const text = ack()!.text;
    expect(text).toContain(reference);
    expect(text).toContain(SERVICE);
    expect(text).toMatch(/\/my\/requests\/[0-9a-f-]{36}/);
  });

  await test.step('My requests lists it; its page says the town acts', async () => {
    await citizen.getByRole('link', { name: 'Suivre ma demande' }).click();
    caseUrl = new URL(citizen.url()).pathname;
    await checkPage(citizen, testInfo, 'journey-case-received', `${SERVICE} ${reference}`);
    await expect(citizen.locator('#status')).toHaveText('Reçue');
    await citizen.goto('/my/requests');
    await checkPage(citizen, testInfo, 'journey-my-requests', 'Mes demandes');
    await expect(citizen.getByRole('link', { name: `${SERVICE} — ${reference}` })).toBeVisible();
  });

  await test.step('the agent asks for a correction of the plate', async () => {
    await signInAsStaff(agent, AGENT);
    await agent.goto(`/backoffice/cases?q=${encodeURIComponent(reference)}`);
    await agent.getByRole('link', { name: reference, exact: true }).first().click();
    await checkPage(agent, testInfo, 'journey-agent-case', new RegExp(reference));
    await agent.getByRole('radio', { name: /^Demander des corrections/ }).check();
    await agent
      .getByLabel('Commentaire (facultatif)')
      .fill("L'immatriculation ne correspond pas à la carte grise : vérifiez la plaque.");
    const answer = await submit(agent, agent.getByRole('button', { name: 'Changer le statut', exact: true }));
    expect(answer.status()).toBe(303);
    await expect(agent.getByRole('main').getByText('Statut changé.', { exact: true })).toBeVisible();
    await expect(agent.locator('.case-facts')).toContainText('À compléter');
  });

  await test.step('the citizen corrects only the re-opened fields and resubmits', async () => {
    await citizen.goto('/my/requests');
    const card = citizen.getByRole('listitem').filter({ hasText: reference });
    await expect(card).toContainText('À compléter');
    await card.getByRole('link', { name: `${SERVICE} — ${reference}` }).click();
    await expectPath(citizen, caseUrl);
    await checkPage(citizen, testInfo, 'journey-case-corrections', `${SERVICE} ${reference}`);
    const corrections = citizen.getByRole('region', { name: 'Corrections demandées' });
    await expect(corrections).toContainText("L'immatriculation ne correspond pas à la carte grise");
    // The re-opened fields (address, plate, holder) are there; the others are not editable.
    await expect(corrections.getByLabel('Immatriculation')).toHaveValue('GA-123-BX');
    await expect(corrections.getByRole('group', { name: /^Adresse du domicile/ })).toBeVisible();
    await expect(corrections.getByRole('group', { name: 'Titulaire de la carte grise' })).toBeVisible();
    await expect(corrections.getByLabel('Marque et modèle')).toHaveCount(0);
    await expect(corrections.getByRole('group', { name: 'Durée' })).toHaveCount(0);
    await expect(citizen.getByLabel('Marque et modèle')).toHaveCount(0);

    await corrections.getByLabel('Immatriculation').fill('GA-128-BX');
    await submit(citizen, corrections.getByRole('button', { name: 'Renvoyer ma demande complétée', exact: true }));
    await expectPath(citizen, caseUrl);
    await expect(citizen.locator('#status')).toHaveText("En cours d'instruction");
    await expect(citizen.getByRole('region', { name: 'Corrections demandées' })).toHaveCount(0);
    await checkPage(citizen, testInfo, 'journey-case-resubmitted', `${SERVICE} ${reference}`);
  });

  await test.step('the agent checks both documents and issues the permit', async () => {
    await agent.reload();
    await expect(agent.getByText('GA-128-BX')).toBeVisible();
    await expect(agent.getByText('Renault Zoé')).toBeVisible();
    for (const name of ['quittance-loyer.pdf', 'carte-grise.png']) {
      const answer = await submit(agent, agent.getByRole('button', { name: `Valider ${name}`, exact: true }));
      expect(answer.status()).toBe(303);
    }
    await expect(agent.locator('li.document').filter({ hasText: 'quittance-loyer.pdf' })).toContainText('État : Valide');
    await expect(agent.locator('li.document').filter({ hasText: 'carte-grise.png' })).toContainText('État : Valide');
    await agent.getByRole('radio', { name: /^Délivrer la carte/ }).check();
    const answer = await submit(agent, agent.getByRole('button', { name: 'Changer le statut', exact: true }));
    expect(answer.status()).toBe(303);
    await expect(agent.locator('.case-facts')).toContainText('Carte délivrée');
    await checkPage(agent, testInfo, 'journey-agent-issued', new RegExp(reference));
  });

  await test.step('the citizen sees the decision and answers the survey', async () => {
    await citizen.goto(caseUrl);
    await expect(citizen.locator('#status')).toHaveText('Carte délivrée');
    await expect(citizen.getByRole('main')).toContainText('Votre carte de stationnement résidentiel');
    await expect(citizen.getByRole('main')).toContainText('Votre carte est accordée');
    // The permit itself, issued with the decision, is on the timeline as a document to open.
    await expect(citizen.getByRole('main')).toContainText('Document émis');
    await expect(citizen.locator('#documents + ul').getByRole('link')).toHaveCount(3);
    await checkPage(citizen, testInfo, 'journey-case-decided', `${SERVICE} ${reference}`);
    // The case is closed: no more messages, the survey instead.
    await expect(citizen.getByRole('button', { name: 'Envoyer', exact: true })).toHaveCount(0);
    await citizen.getByRole('radio', { name: '5 sur 5' }).check();
    await citizen.getByLabel(/^Un commentaire/).fill('Rapide et clair, merci.');
    await submit(citizen, citizen.getByRole('button', { name: 'Donner mon avis', exact: true }));
    await expectPath(citizen, caseUrl);
    await expect(citizen.getByRole('status')).toContainText('Merci pour votre avis.');
    await expect(citizen.getByRole('button', { name: 'Donner mon avis' })).toHaveCount(0);
    await expect(citizen.getByRole('main')).toContainText('5 sur 5 — Rapide et clair, merci.');
    await checkPage(citizen, testInfo, 'journey-survey-answered', `${SERVICE} ${reference}`);
  });

  await citizen.context().close();
  await agent.context().close();
});
