import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { keysTableNameOf } from '../../core/config/aws-config.js';
import { ApiKeyStore } from '../../core/keys/api-key-store.js';
import { JobService, JobState } from '../../proto/gen/es/sluice/v1/job_service_pb.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';

const ENCODER = new TextEncoder();
let system: TestSystem;
let base: string;
let apiKey: string;

beforeAll(async () => {
  system = await startTestSystem({ frontEnv: { SLUICE_AUTH: 'api-keys' } });
  base = `http://127.0.0.1:${system.runtime.webPort}`;
  const store = new ApiKeyStore({
    client: system.runtime.clients.documents,
    tableName: keysTableNameOf(system.runtime.resources),
  });
  apiKey = (await store.create('acme')).key;
});

afterAll(() => system?.stop());

const auth = (): Record<string, string> => ({ authorization: `Bearer ${apiKey}` });

function postJson(method: string, body: unknown, headers = auth()): Promise<Response> {
  return fetch(`${base}/sluice.v1.JobService/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

function connectClient(): ReturnType<typeof createClient<typeof JobService>> {
  return createClient(
    JobService,
    createConnectTransport({ baseUrl: base, httpVersion: '1.1', interceptors: [] }),
  );
}

async function submitEcho(payload: unknown): Promise<string> {
  const submitted = await connectClient().submitJob(
    { channel: 'default', type: 'echo', payload: ENCODER.encode(JSON.stringify(payload)) },
    { headers: auth() },
  );
  return submitted.jobId;
}

describe('the browser API (Connect, gRPC-Web, JSON) on the web port', () => {
  it('answers a plain fetch of GetJob with JSON', async () => {
    const jobId = await submitEcho({ hello: 'json' });
    const response = await postJson('GetJob', { jobId });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { job: { jobId: string; channel: string } };
    expect(body.job).toMatchObject({ jobId, channel: 'default' });
  });

  it('answers an unknown job with not_found naming the field, as the gRPC port does', async () => {
    const response = await postJson('GetJob', { jobId: '01JAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('not_found');
    expect(body.message).toContain('job_id');
  });

  it('refuses a call without an API key with unauthenticated', async () => {
    const response = await postJson('GetJob', { jobId: '01JAAAAAAAAAAAAAAAAAAAAAAA' }, {});
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('unauthenticated');
  });

  it('refuses a bad request with invalid_argument naming the field', async () => {
    const response = await postJson('SubmitJob', { channel: 'default', type: 'no-such-type' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('invalid_argument');
    expect(body.message).toContain('type');
  });

  it('hides another tenant’s job (not_found)', async () => {
    const store = new ApiKeyStore({
      client: system.runtime.clients.documents,
      tableName: keysTableNameOf(system.runtime.resources),
    });
    const other = (await store.create('globex')).key;
    const jobId = await submitEcho({ tenant: 'acme' });
    const response = await postJson('GetJob', { jobId }, { authorization: `Bearer ${other}` });
    expect(response.status).toBe(404);
  });

  it('streams WatchJobs over HTTP/1.1 with Connect until the job is terminal', async () => {
    const jobId = await submitEcho({ watch: 'me' });
    const states: JobState[] = [];
    for await (const { job } of connectClient().watchJobs(
      { jobIds: [jobId] },
      { headers: auth() },
    )) {
      states.push(job?.state ?? JobState.UNSPECIFIED);
    }
    expect(states.at(-1)).toBe(JobState.SUCCEEDED);
  });

  it('serves gRPC-Web with the same statuses', async () => {
    const client = createClient(
      JobService,
      createGrpcWebTransport({ baseUrl: base, httpVersion: '1.1' }),
    );
    const failure = await client
      .getJob({ jobId: '01JAAAAAAAAAAAAAAAAAAAAAAA' }, { headers: auth() })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectError);
    expect((failure as ConnectError).code).toBe(Code.NotFound);
  });

  it('cancels over Connect: a finished job is failed_precondition', async () => {
    const jobId = await submitEcho({ cancel: 'late' });
    for await (const _ of connectClient().watchJobs({ jobIds: [jobId] }, { headers: auth() })) {
      // until terminal
    }
    const failure = await connectClient()
      .cancelJob({ jobId }, { headers: auth() })
      .catch((error: unknown) => error);
    expect((failure as ConnectError).code).toBe(Code.FailedPrecondition);
  });
});

describe('the web port’s headers', () => {
  it('sends a strict CSP without inline script, nosniff and no framing', async () => {
    const response = await fetch(`${base}/jobs`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends the same headers on API answers', async () => {
    const response = await postJson('GetJob', { jobId: '01JAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('gives a foreign origin no CORS: its preflight is refused', async () => {
    const response = await fetch(`${base}/sluice.v1.JobService/GetJob`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
