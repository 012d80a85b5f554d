import { startDashboardTestBed, type DashboardTestBed } from './support/dashboard-test-bed.js';

let bed: DashboardTestBed;

beforeAll(async () => {
  bed = await startDashboardTestBed();
}, 120_000);

afterAll(() => bed?.stop());

describe('signing in', () => {
  it('asks for an API key, keeps it in session storage only, and then shows the overview', async () => {
    const { page } = await bed.openPage();
    await page.goto(`${bed.base}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('API key').fill(bed.tenantKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.locator('tr[data-channel="default"]').waitFor();
    expect(page.url()).toBe(`${bed.base}/`);
    expect(page.url()).not.toContain(bed.tenantKey);
    expect(await page.evaluate('sessionStorage.getItem("sluice.apiKey")')).toBe(bed.tenantKey);
    expect(await page.evaluate('localStorage.length')).toBe(0);
  });

  it('shows a refused key as a sign-in prompt that says so', async () => {
    const { page } = await bed.openPage();
    await page.goto(`${bed.base}/jobs`);
    await page.getByLabel('API key').fill('sk_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The API key was refused').waitFor();
    expect(await page.evaluate('sessionStorage.getItem("sluice.apiKey")')).toBeNull();
  });

  it('tells a tenant key that queue figures need an operator key, and shows them to an operator', async () => {
    const tenant = await bed.openPage(bed.tenantKey);
    await tenant.page.getByText('Queue figures need an API key with the operator role').waitFor();
    expect(await tenant.page.getByRole('columnheader', { name: 'Waiting' }).count()).toBe(0);
    const operator = await bed.openPage(bed.operatorKey);
    await operator.page.getByRole('columnheader', { name: 'Waiting' }).waitFor();
    await operator.page.getByRole('columnheader', { name: 'Dead letters' }).waitFor();
  });
});
