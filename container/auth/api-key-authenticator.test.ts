import { Metadata, status } from '@grpc/grpc-js';
import { keysTableNameOf } from '../../core/config/aws-config.js';
import { UnauthenticatedError } from '../../core/errors/index.js';
import { ApiKeyStore } from '../../core/keys/api-key-store.js';
import { startAwsTestBed, type AwsTestBed } from '../testing/aws-test-bed.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';

let bed: AwsTestBed;
let store: ApiKeyStore;
let now = 0;

beforeAll(async () => {
  bed = await startAwsTestBed({ tableName: 'auth-jobs', queuePrefix: 'auth' });
  store = new ApiKeyStore({
    client: bed.clients.documents,
    tableName: keysTableNameOf(bed.resources),
    now: () => now,
  });
});
afterAll(() => bed.stop());
beforeEach(() => {
  now = 1_700_000_000_000;
});

function bearer(key: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${key}`);
  return metadata;
}

async function refusal(authenticator: ApiKeyAuthenticator, metadata: Metadata): Promise<Error> {
  try {
    await authenticator.authenticate(metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(status[(error as UnauthenticatedError).status]).toBe(status.UNAUTHENTICATED);
    return error as Error;
  }
  throw new Error('the caller was authenticated but should not have been');
}

describe('ApiKeyAuthenticator', () => {
  it('resolves a created key to its tenant, with the tenant role by default', async () => {
    const { key } = await store.create('acme');
    const authenticator = new ApiKeyAuthenticator({ store });
    expect(await authenticator.authenticate(bearer(key))).toEqual({
      tenant: 'acme',
      role: 'tenant',
    });
  });

  it('resolves an operator key to its tenant with the operator role', async () => {
    const { key } = await store.create('ops', { role: 'operator' });
    expect(await new ApiKeyAuthenticator({ store }).authenticate(bearer(key))).toEqual({
      tenant: 'ops',
      role: 'operator',
    });
  });

  it('accepts the bearer scheme in any case', async () => {
    const { key } = await store.create('acme');
    const metadata = new Metadata();
    metadata.set('authorization', `bearer ${key}`);
    expect(await new ApiKeyAuthenticator({ store }).authenticate(metadata)).toMatchObject({
      tenant: 'acme',
    });
  });

  it('refuses a call without credentials, saying how to send them', async () => {
    const error = await refusal(new ApiKeyAuthenticator({ store }), new Metadata());
    expect(error.message).toContain('authorization: Bearer <key>');
  });

  it('refuses credentials that are not one bearer token, without repeating them', async () => {
    const { key } = await store.create('acme');
    const authenticator = new ApiKeyAuthenticator({ store });
    const basic = new Metadata();
    basic.set('authorization', `Basic ${key}`);
    const twice = bearer(key);
    twice.add('authorization', `Bearer ${key}`);
    for (const metadata of [basic, twice]) {
      expect((await refusal(authenticator, metadata)).message).not.toContain(key);
    }
  });

  it('refuses a malformed, an unknown and a wrong key alike, never echoing the key', async () => {
    const { key, record } = await store.create('acme');
    const authenticator = new ApiKeyAuthenticator({ store });
    const wrongSecret = `sluice_${record.keyId}_${'A'.repeat(43)}`;
    const unknownId = `sluice_0000000000000000_${key.slice(-43)}`;
    for (const presented of ['not-a-key', wrongSecret, unknownId, `${key}x`]) {
      const error = await refusal(authenticator, bearer(presented));
      expect(error.message).not.toContain(presented);
      expect(error.message).not.toContain(key.slice(-43));
    }
  });

  it('refuses a revoked key once the cache TTL has passed', async () => {
    const { key, record } = await store.create('acme');
    const authenticator = new ApiKeyAuthenticator({ store, cacheTtlMs: 10_000, now: () => now });
    await authenticator.authenticate(bearer(key));
    await store.revoke(record.keyId);
    now += 10_000;
    expect((await refusal(authenticator, bearer(key))).message).toBe(
      'the API key has been revoked',
    );
  });

  it('refuses a revoked key at once when nothing is cached', async () => {
    const { key, record } = await store.create('acme');
    const authenticator = new ApiKeyAuthenticator({ store, cacheTtlMs: 0 });
    await authenticator.authenticate(bearer(key));
    await store.revoke(record.keyId);
    await refusal(authenticator, bearer(key));
  });

  it('does not allow a cache TTL above 30 s', () => {
    expect(() => new ApiKeyAuthenticator({ store, cacheTtlMs: 30_001 })).toThrow(RangeError);
  });
});
