import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  startEmbeddedEmulators,
  type EmbeddedEmulators,
} from '../../local/emulators/embedded-emulators.js';
import { provisionResources } from '../../local/provision/provision-resources.js';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../aws/aws-clients.js';
import { CHANNELS } from '../channels/channels.js';
import { ValidationError } from '../errors/index.js';
import { JOBS_TABLE_SCHEMA } from '../jobs/table-schema.js';
import { hashApiKey } from './api-key-format.js';
import { ApiKeyStore } from './api-key-store.js';
import { KEYS_TABLE_SCHEMA, LISTING_PARTITION } from './keys-table-schema.js';
import { LEGACY_API_KEY_PARTITION_PREFIX, migrateLegacyApiKeys } from './legacy-api-keys.js';

const JOBS_TABLE = 'store-jobs';
const KEYS_TABLE = 'store-keys';

let emulators: EmbeddedEmulators;
let clients: AwsClients;
let store: ApiKeyStore;
let now = 0;

beforeAll(async () => {
  emulators = await startEmbeddedEmulators();
  clients = createAwsClients({
    region: 'us-east-1',
    sqsEndpoint: emulators.sqsEndpoint,
    dynamoEndpoint: emulators.dynamoEndpoint,
  });
  await provisionResources(clients, CHANNELS, {
    tableName: JOBS_TABLE,
    keysTableName: KEYS_TABLE,
    queuePrefix: 'store',
  });
  store = new ApiKeyStore({ client: clients.documents, tableName: KEYS_TABLE, now: () => now });
});

afterAll(async () => {
  destroyAwsClients(clients);
  await emulators.stop();
});

beforeEach(() => {
  now = 1_700_000_000_000;
});

async function tableItems(tableName: string): Promise<Record<string, unknown>[]> {
  const { Items } = await clients.documents.send(new ScanCommand({ TableName: tableName }));
  return Items ?? [];
}

describe('ApiKeyStore', () => {
  it('stores only the hash of a key, in the keys table and nowhere in the jobs table', async () => {
    const { key, record } = await store.create('hashed', { label: 'ci' });
    const item = (await tableItems(KEYS_TABLE)).find((each) => each.keyId === record.keyId);
    expect(item).toMatchObject({ tenant: 'hashed', label: 'ci', keyHash: record.keyHash });
    expect(JSON.stringify(item)).not.toContain(key.slice(-43));
    expect(JSON.stringify(await tableItems(JOBS_TABLE))).not.toContain(record.keyId);
  });

  it('finds a key by its id, with the tenant role unless told otherwise', async () => {
    const tenant = await store.create('finder');
    const operator = await store.create('finder', { role: 'operator' });
    expect(await store.find(tenant.record.keyId)).toEqual(tenant.record);
    expect((await store.find(operator.record.keyId))?.role).toBe('operator');
    expect(await store.find('ffffffffffffffff')).toBeUndefined();
  });

  it('lists keys without their hashes, for one tenant or all, through the listing index', async () => {
    const first = await store.create('lister-a');
    now += 1;
    const second = await store.create('lister-b', { role: 'operator' });
    now += 1;
    // A tenant whose name extends another's is not listed with it.
    await store.create('lister-a2');
    expect(await store.list({ tenant: 'lister-a' })).toEqual([
      {
        keyId: first.record.keyId,
        tenant: 'lister-a',
        role: 'tenant',
        label: '',
        createdAt: now - 2,
      },
    ]);
    const all = await store.list();
    expect(all.map((key) => key.keyId)).toEqual(
      expect.arrayContaining([first.record.keyId, second.record.keyId]),
    );
    expect(all.find((key) => key.keyId === second.record.keyId)?.role).toBe('operator');
    for (const summary of all) expect(summary).not.toHaveProperty('keyHash');
  });

  it('keeps the hashes out of the listing index', async () => {
    await store.create('indexed');
    const { Items } = await clients.documents.send(
      new QueryCommand({
        TableName: KEYS_TABLE,
        IndexName: KEYS_TABLE_SCHEMA.listIndex.indexName,
        KeyConditionExpression: '#lp = :lp',
        ExpressionAttributeNames: { '#lp': KEYS_TABLE_SCHEMA.listIndex.partitionKey },
        ExpressionAttributeValues: { ':lp': LISTING_PARTITION },
      }),
    );
    expect(Items?.length).toBeGreaterThan(0);
    for (const item of Items ?? []) expect(item).not.toHaveProperty('keyHash');
  });

  it('revokes idempotently, keeping the first revocation time', async () => {
    const { record } = await store.create('revoker');
    expect((await store.revoke(record.keyId))?.revokedAt).toBe(now);
    now += 5_000;
    expect((await store.revoke(record.keyId))?.revokedAt).toBe(now - 5_000);
  });

  it('answers undefined when revoking a key that does not exist', async () => {
    expect(await store.revoke('ffffffffffffffff')).toBeUndefined();
  });

  it.each(['', 'Acme', '$apikey', 'a'.repeat(64), 'has space', '-leading', 'a#b'])(
    'refuses the tenant name %j',
    async (tenant) => {
      await expect(store.create(tenant)).rejects.toBeInstanceOf(ValidationError);
    },
  );

  it('refuses a role that is neither tenant nor operator', async () => {
    await expect(store.create('acme', { role: 'admin' })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('migrateLegacyApiKeys', () => {
  it('moves the keys of the jobs table to the keys table, where they keep their hash, as tenant keys', async () => {
    const keyId = '00000000000000aa';
    const legacy = {
      keyId,
      tenant: 'veteran',
      keyHash: hashApiKey(`sluice_${keyId}_${'B'.repeat(43)}`).toString('hex'),
      label: 'from before',
      createdAt: 1_600_000_000_000,
    };
    const pk = JOBS_TABLE_SCHEMA.partitionKey;
    await clients.documents.send(
      new PutCommand({
        TableName: JOBS_TABLE,
        Item: { [pk]: `${LEGACY_API_KEY_PARTITION_PREFIX}${keyId}`, ...legacy },
      }),
    );
    const migration = { client: clients.documents, jobsTableName: JOBS_TABLE, store };
    expect(await migrateLegacyApiKeys(migration)).toEqual({ moved: 1, alreadyMoved: 0 });
    expect(await store.find(keyId)).toEqual({ ...legacy, role: 'tenant' });
    expect(JSON.stringify(await tableItems(JOBS_TABLE))).not.toContain(keyId);
    expect(await migrateLegacyApiKeys(migration)).toEqual({ moved: 0, alreadyMoved: 0 });
  });
});
