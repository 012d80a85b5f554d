import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { startManagedProcess, type ManagedProcess } from '../../local/process/managed-process.js';
import { RUNTIME_NODE } from '../../test/support/runtime-node.js';
import {
  JobServiceClient,
  type SubmitJobResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import { startAwsTestBed, type AwsTestBed } from '../testing/aws-test-bed.js';
import { submitRequest, unary } from '../testing/front-test-bed.js';
import { healthClient, reflect } from '../testing/grpc-probes.js';
import { bundleFront } from './bundle-front.js';

let bed: AwsTestBed;
let outDir: string;
let front: ManagedProcess;
let grpcPort: number;
let webPort: number;

beforeAll(async () => {
  bed = await startAwsTestBed({ tableName: 'bundle-jobs', queuePrefix: 'bundle' });
  // Outside the repository, with no other environment: no node_modules to fall back on, as in the image.
  outDir = await mkdtemp(join(tmpdir(), 'sluice-front-bundle-'));
  const entry = await bundleFront({ outDir });
  // On the image's Node line when .ci/run provides it (SLUICE_RUNTIME_NODE).
  front = await startManagedProcess({
    name: 'front-bundle',
    node: RUNTIME_NODE,
    nodeArgs: [entry],
    env: bed.frontEnv,
  });
  grpcPort = Number(front.ready.grpcPort);
  webPort = Number(front.ready.webPort);
});

afterAll(async () => {
  await front.stop();
  await bed.stop();
  await rm(outDir, { recursive: true, force: true });
});

describe('bundleFront', () => {
  it('builds one self-contained file that serves the JobService', async () => {
    const client = new JobServiceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
    const ack = await unary<SubmitJobResponse>((callback) =>
      client.submitJob(submitRequest(), callback),
    );
    expect(ack.jobId).toHaveLength(26);
    client.close();
  });

  it('ships the .proto files the health and reflection services read at run time', async () => {
    const health = healthClient(grpcPort);
    const response = await unary<{ status: string }>((callback) =>
      health.check({ service: 'sluice.v1.JobService' }, callback),
    );
    expect(response.status).toBe('SERVING');
    health.close();
    const listed = await reflect(grpcPort, { list_services: '*' });
    expect(listed.list_services_response?.service.map((s) => s.name)).toEqual(
      expect.arrayContaining(['sluice.v1.JobService', 'grpc.health.v1.Health']),
    );
  });

  it('ships the dashboard and serves it on the web port, every asset from the bundle', async () => {
    const base = `http://127.0.0.1:${webPort}`;
    // A dashboard route: the page itself, from the bundle's web/ (there is no repository here).
    const page = await fetch(`${base}/jobs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script[^>]* src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const asset = await fetch(new URL(src ?? '', base));
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect((await asset.text()).length).toBeGreaterThan(0);
    }
  });
});
