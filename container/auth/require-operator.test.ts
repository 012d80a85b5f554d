import { Metadata, status } from '@grpc/grpc-js';
import { keysTableNameOf } from '../../core/config/aws-config.js';
import { PermissionDeniedError } from '../../core/errors/index.js';
import { ApiKeyStore } from '../../core/keys/api-key-store.js';
import { startAwsTestBed, type AwsTestBed } from '../testing/aws-test-bed.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { OpenAuthenticator } from './open-authenticator.js';
import { requireOperator } from './require-operator.js';

let bed: AwsTestBed;
let store: ApiKeyStore;
let authenticator: ApiKeyAuthenticator;

beforeAll(async () => {
  bed = await startAwsTestBed({ tableName: 'roles-jobs', queuePrefix: 'roles' });
  store = new ApiKeyStore({
    client: bed.clients.documents,
    tableName: keysTableNameOf(bed.resources),
  });
  authenticator = new ApiKeyAuthenticator({ store });
});
afterAll(() => bed.stop());

async function identityOf(key: string): ReturnType<ApiKeyAuthenticator['authenticate']> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${key}`);
  return authenticator.authenticate(metadata);
}

describe('requireOperator', () => {
  it('lets a caller with an operator key through', async () => {
    const { key } = await store.create('ops', { role: 'operator' });
    const identity = await identityOf(key);
    expect(() => requireOperator(identity, 'include_queue_stats')).not.toThrow();
  });

  it('refuses a caller with a tenant key: PERMISSION_DENIED naming the field and the way to an operator key', async () => {
    const { key } = await store.create('acme');
    const identity = await identityOf(key);
    let refusal: unknown;
    try {
      requireOperator(identity, 'include_queue_stats');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(PermissionDeniedError);
    const denied = refusal as PermissionDeniedError;
    expect(status[denied.status]).toBe(status.PERMISSION_DENIED);
    expect(denied.field).toBe('include_queue_stats');
    expect(denied.message).toContain('sluice keys create --role operator');
  });

  it('lets every caller of an open front through (open mode: everyone is an operator)', async () => {
    const identity = await new OpenAuthenticator().authenticate(new Metadata());
    expect(() => requireOperator(identity, 'include_queue_stats')).not.toThrow();
  });
});
