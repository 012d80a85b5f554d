import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { keysTableNameOf } from '../../core/config/aws-config.js';
import { KEYS_TABLE_SCHEMA, PAGE_TOKEN_SECRET_ITEM } from '../../core/keys/keys-table-schema.js';
import { startAwsTestBed, type AwsTestBed } from '../testing/aws-test-bed.js';
import { PageTokenSecretError } from './page-token-secret-error.js';
import { PAGE_TOKEN_SECRET_BYTES, PageTokenSecretStore } from './page-token-secret-store.js';

let bed: AwsTestBed;
const store = (): PageTokenSecretStore =>
  new PageTokenSecretStore({
    client: bed.clients.documents,
    tableName: keysTableNameOf(bed.resources),
  });

beforeEach(async () => {
  bed = await startAwsTestBed({ tableName: 'secret-jobs', queuePrefix: 'secret' });
});

afterEach(() => bed.stop());

describe('PageTokenSecretStore', () => {
  it('gives stores racing to create the key one and the same key, and keeps it', async () => {
    const racing = await Promise.all(Array.from({ length: 4 }, () => store().ensure()));
    expect(new Set(racing).size).toBe(1);
    const [secret] = racing as [string];
    expect(Buffer.from(secret, 'base64url')).toHaveLength(PAGE_TOKEN_SECRET_BYTES);
    expect(await store().ensure()).toBe(secret);
  });

  it('refuses an item without a key rather than making another one', async () => {
    await bed.clients.documents.send(
      new PutCommand({
        TableName: keysTableNameOf(bed.resources),
        Item: { [KEYS_TABLE_SCHEMA.partitionKey]: PAGE_TOKEN_SECRET_ITEM.keyId },
      }),
    );
    await expect(store().ensure()).rejects.toBeInstanceOf(PageTokenSecretError);
  });
});
