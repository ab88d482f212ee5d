// Journey: the ente admin of a comune (invited from the command line) invites an operator, changes the
// operator's role, and connects the comune's identity provider (the sandbox's test one); the operator
// then logs in with the comune's account, without any password of the platform.
// Every page visited must have zero WCAG 2.1 AA violations.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { activateStaff, expectAccessible, type Harness, startHarness } from './support.ts';

const ADMIN = 'marco.amministratore@comune.jesolo.example.it';
const OPERATOR = 'rita.operatrice@comune.jesolo.example.it';
let portal: Harness & { prepared: string[] };

beforeAll(async () => {
  portal = await startHarness([
    ['seed', '--aggregation', 'venezia'],
    [
      'staff',
      'invite',
      '--email',
      ADMIN,
      '--name',
      'Marco Amministratore',
      '--ente',
      'jesolo',
      '--role',
      'ente_admin',
    ],
  ]);
});

afterAll(async () => {
  await portal?.close();
});

test('an ente admin invites an operator and connects the comune’s login; the operator logs in with it', async () => {
  const page = await portal.newPage();

  // The ente admin activates the account (password and authenticator app).
  await activateStaff(page, portal.prepared[1]!);

  // Staff: invite an operator, see the activation link, change the operator's service areas.
  await page.goto('/jesolo/admin/ente');
  await page.getByRole('link', { name: 'Personale e ruoli' }).click();
  await page.waitForURL('**/jesolo/admin/personale');
  await expect(page.locator('h1').textContent()).resolves.toBe('Personale dell’ente');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Invita' }).click();
  await expect(page.locator('#error-summary').isVisible()).resolves.toBe(true);
  // A screen reader hears of the failure first: in the title, and from the summary, which has the focus.
  await expect(page.title()).resolves.toMatch(/^Errore: /);
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('error-summary');
  await expectAccessible(page);
  await page.getByLabel('Nome e cognome').fill('Rita Operatrice');
  await page.getByLabel('E-mail').fill(OPERATOR);
  await page.getByLabel('Ruolo', { exact: true }).selectOption({ label: 'Operatore' });
  await page.getByLabel(/Aree di servizio/).fill('anagrafe');
  await page.getByRole('button', { name: 'Invita' }).click();
  await expect(page.locator('[data-invitation]').textContent()).resolves.toContain('/accedi/invito?t=');
  await expectAccessible(page);
  await page.locator(`tr[data-staff="${OPERATOR}"] a`).click();
  await expect(page.locator('h1').textContent()).resolves.toBe('Rita Operatrice');
  await expectAccessible(page);
  await page.getByLabel('Nuovo ruolo').selectOption({ label: 'Operatore' });
  await page.getByLabel(/Aree di servizio/).fill('anagrafe, stato civile');
  await page.getByRole('button', { name: 'Cambia ruolo' }).click();
  await expect(page.locator('.alert-success').textContent()).resolves.toContain('Ruolo cambiato.');
  await expect(page.locator('[data-grant="operator"]').textContent()).resolves.toContain('stato civile');
  await expectAccessible(page);

  // The comune's identity provider: here the sandbox's test one, whose settings page tells what to type.
  await page.goto('/sandbox/ente');
  await expectAccessible(page);
  const issuer = (await page.locator('[data-issuer]').textContent())!.trim();
  const clientSecret = (await page.locator('[data-client-secret]').textContent())!.trim();
  await page.goto('/jesolo/admin/ente');
  await page.getByRole('link', { name: 'Accesso con l’account dell’ente' }).click();
  await expectAccessible(page);
  await page.getByLabel(/emittente/).fill(issuer);
  await page.getByLabel(/client ID/).fill('convergenza');
  await page.getByLabel(/client secret/).fill(clientSecret);
  await page.getByLabel(/Dominio e-mail ammesso/).fill('comune.jesolo.example.it');
  await page.getByRole('button', { name: 'Salva' }).click();
  await expect(page.locator('.alert-success').textContent()).resolves.toContain('Configurazione salvata.');
  await expectAccessible(page);

  // The operator, who never chose a password, logs in with the comune's account.
  const operator = await portal.newPage();
  await operator.goto('/accedi/operatori?next=%2Fsessioni');
  await expectAccessible(operator);
  await operator.getByRole('link', { name: 'Accedi con l’account del tuo ente' }).click();
  await expectAccessible(operator);
  await operator.getByLabel('Ente').selectOption({ label: 'Comune di Jesolo' });
  await operator.getByRole('button', { name: 'Continua' }).click();
  await operator.waitForURL('**/sandbox/ente/interaction/**');
  await expect(operator.locator('.demo-banner').textContent()).resolves.toContain('Ambiente di test');
  await expectAccessible(operator);
  await operator.getByLabel(/Rita Operatrice/).check();
  await operator.getByRole('button', { name: 'Accedi', exact: true }).click();
  await operator.waitForURL('**/sessioni');
  await expect(operator.locator('tr[data-session="current"]').textContent()).resolves.toContain(
    'enterprise-oidc',
  );
  await expectAccessible(operator);
});
