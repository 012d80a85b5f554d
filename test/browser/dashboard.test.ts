import type { Page } from 'playwright-core';
import { JobState } from '../../proto/gen/es/sluice/v1/job_service_pb.js';
import {
  screenshot,
  startDashboardTestBed,
  type DashboardTestBed,
} from './support/dashboard-test-bed.js';

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
    await screenshot(operator.page, 'overview');
  });
});

/** A value no other test uses, to find this test's jobs among the tenant's. */
const runTag = (name: string): string => `${name}-${Date.now().toString(36)}`;

const TERMINAL = [JobState.SUCCEEDED, JobState.FAILED, JobState.DEAD_LETTERED, JobState.CANCELLED];

/** The job ids of the list's rows, in order. */
async function rowIds(page: Page): Promise<string[]> {
  const ids: string[] = [];
  for (const row of await page.locator('table.jobs tbody tr').all()) {
    ids.push((await row.getAttribute('data-job-id')) ?? '');
  }
  return ids;
}

/** Waits until the list shows rows (or says it has none) for the current URL. */
async function listLoaded(page: Page): Promise<void> {
  await page.locator('.list[aria-busy="false"]').waitFor();
}

describe('the job list', () => {
  const tag = runTag('list');
  const echoes: string[] = [];
  let failed: string;

  beforeAll(async () => {
    for (let i = 0; i < 5; i++) {
      echoes.push(await bed.submit({ type: 'echo', payload: { i }, attributes: { run: tag } }));
    }
    failed = await bed.submit({ type: 'fail', attributes: { run: tag } });
    await Promise.all([...echoes, failed].map((id) => bed.waitForState(id, TERMINAL)));
  });

  it('pages through the jobs an attribute filter selects, newest first, none twice', async () => {
    const { page } = await bed.openPage(bed.tenantKey);
    await page.goto(`${bed.base}/jobs?attr=${encodeURIComponent(`run=${tag}`)}&type=echo&size=2`);
    const seen: string[] = [];
    for (;;) {
      await listLoaded(page);
      const ids = await rowIds(page);
      expect(ids.length).toBeLessThanOrEqual(2);
      seen.push(...ids);
      const next = page.getByRole('link', { name: 'Next page →' });
      if ((await next.count()) === 0) break;
      const before = page.url();
      await next.click();
      await page.waitForURL((url) => url.href !== before);
    }
    expect(seen).toEqual([...echoes].reverse());
  });

  it('applies the filter form to the URL, and the URL opened elsewhere shows the same view', async () => {
    const { page } = await bed.openPage(bed.tenantKey);
    await page.goto(`${bed.base}/jobs`);
    await page.getByLabel('Type').fill('fail');
    await page.getByLabel('Attributes (key=value, one a line)').fill(`run=${tag}`);
    await page.getByLabel('FAILED').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/type=fail/);
    await listLoaded(page);
    expect(await rowIds(page)).toEqual([failed]);
    const shared = page.url();
    expect(new URL(shared).searchParams.getAll('state')).toEqual(['FAILED']);
    expect(new URL(shared).searchParams.get('attr')).toBe(`run=${tag}`);

    const other = await bed.openPage(bed.tenantKey);
    await other.page.goto(shared);
    await listLoaded(other.page);
    expect(await rowIds(other.page)).toEqual([failed]);
    expect(await other.page.getByLabel('Type').inputValue()).toBe('fail');
    expect(await other.page.getByLabel('FAILED').isChecked()).toBe(true);
    await screenshot(page, 'jobs');
  });

  it('updates a listed running job to SUCCEEDED without a reload', async () => {
    const liveTag = runTag('live-list');
    const jobId = await bed.submit({
      type: 'sleep',
      payload: { ms: 3_000 },
      attributes: { run: liveTag },
    });
    const { page } = await bed.openPage(bed.tenantKey);
    await page.goto(`${bed.base}/jobs?attr=${encodeURIComponent(`run=${liveTag}`)}`);
    await listLoaded(page);
    await page.evaluate('window.__sameDocument = true');
    const state = page.locator(`tr[data-job-id="${jobId}"] .state`);
    await state.and(page.locator('[data-state="SUCCEEDED"]')).waitFor();
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
  });
});

describe('a job page', () => {
  it('follows a job from RUNNING to SUCCEEDED with its progress, without a reload', async () => {
    const jobId = await bed.submit({ type: 'sleep', payload: { ms: 4_000 } });
    const { page } = await bed.openPage(bed.tenantKey);
    await page.goto(`${bed.base}/jobs/${jobId}`);
    await page.evaluate('window.__sameDocument = true');
    const head = page.locator('.job-head');
    await head.locator('[data-state="RUNNING"]').waitFor();
    // A progress report between the first and the last: the bar moved while the job ran.
    await page.waitForFunction(
      "(() => { const bar = document.querySelector('.job-head progress'); return bar !== null && bar.value > 0 && bar.value < 100; })()",
    );
    await head.locator('[data-state="SUCCEEDED"]').waitFor();
    expect(await head.locator('progress').getAttribute('value')).toBe('100');
    expect(await page.locator('pre.result-text').textContent()).toContain('"sleptMs": 4000');
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    const timeline = await page.locator('.timeline .state').allTextContents();
    expect(timeline).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
    await screenshot(page, 'job');
  });

  it('cancels a QUEUED job', async () => {
    const group = runTag('cancel');
    const blocker = await bed.submit({ type: 'sleep', payload: { ms: 8_000 }, groupKey: group });
    // Behind the blocker in its group: stays QUEUED while the blocker runs.
    const queued = await bed.submit({ type: 'echo', payload: {}, groupKey: group });
    await bed.waitForState(blocker, [JobState.RUNNING]);
    const { page } = await bed.openPage(bed.tenantKey);
    await page.goto(`${bed.base}/jobs/${queued}`);
    await page.locator('.job-head [data-state="QUEUED"]').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.job-head [data-state="CANCELLED"]').waitFor();
    expect((await bed.api.getJob({ jobId: queued })).job?.state).toBe(JobState.CANCELLED);
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
  });

  it('retries a failed job and links the two jobs both ways', async () => {
    const original = await bed.submit({ type: 'fail', payload: { message: 'broken on purpose' } });
    await bed.waitForState(original, TERMINAL);
    const { page } = await bed.openPage(bed.tenantKey);
    await page.goto(`${bed.base}/jobs/${original}`);
    await page.locator('.job-error pre').getByText('broken on purpose').waitFor();
    await page.getByRole('button', { name: 'Retry' }).click();
    const link = page.locator('a.retry-link');
    await link.waitFor();
    const retryId = (await link.textContent()) ?? '';
    expect(retryId).not.toBe(original);
    await link.click();
    await page.waitForURL(`${bed.base}/jobs/${retryId}`);
    const retryOf = page.locator('[data-field="Retry of"] a');
    expect(await retryOf.textContent()).toBe(original);
    await retryOf.click();
    await page.waitForURL(`${bed.base}/jobs/${original}`);
    expect(await page.locator('[data-field="Retried as"] a').textContent()).toBe(retryId);
  });
});

describe('tenant data', () => {
  it('renders markup in attributes and results as text: no element, no script, no dialog', async () => {
    const tag = runTag('xss');
    const jobId = await bed.submit({
      type: 'echo',
      payload: '<script>window.__injected = 1; alert(2)</script>',
      contentType: 'text/html',
      attributes: { run: tag, probe: '<img src=x onerror=alert(1)>' },
    });
    await bed.waitForState(jobId, [JobState.SUCCEEDED]);
    const { context, page } = await bed.openPage(bed.tenantKey);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await context.addInitScript(
      "window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));",
    );
    await page.goto(`${bed.base}/jobs?attr=${encodeURIComponent(`run=${tag}`)}`);
    await listLoaded(page);
    await page.getByText('probe=<img src=x onerror=alert(1)>').waitFor();
    await page.goto(`${bed.base}/jobs/${jobId}`);
    await page.getByRole('cell', { name: '<img src=x onerror=alert(1)>' }).waitFor();
    await page.getByRole('tab', { name: 'text' }).click();
    expect(await page.locator('pre.result-text').textContent()).toBe(
      '<script>window.__injected = 1; alert(2)</script>',
    );
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    expect(await page.evaluate('window.__injected')).toBeUndefined();
    expect(await page.evaluate('window.__violations')).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
