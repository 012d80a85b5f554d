import { randomBytes } from 'node:crypto';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putIfAbsent } from '../../core/aws/put-if-absent.js';
import { KEYS_TABLE_SCHEMA, PAGE_TOKEN_SECRET_ITEM } from '../../core/keys/keys-table-schema.js';
import { PageTokenSecretError } from './page-token-secret-error.js';

/** Random bytes of a generated page-token key (256 bits, the HMAC-SHA256 block's strength). */
export const PAGE_TOKEN_SECRET_BYTES = 32;

/**
 * A new page-token key: random, never derived from anything a caller sees.
 *
 * @example
 * ```ts
 * const codec = new PageTokenCodec({ secret: generatePageTokenSecret() }); // this process only
 * ```
 */
export function generatePageTokenSecret(): string {
  return randomBytes(PAGE_TOKEN_SECRET_BYTES).toString('base64url');
}

/** Options of a `PageTokenSecretStore`. */
export interface PageTokenSecretStoreOptions {
  client: DynamoDBDocumentClient;
  /** The keys table (`SLUICE_KEYS_TABLE_NAME`), which every front of a deployment reads. */
  tableName: string;
}

/**
 * The deployment's ListJobs page-token key, kept in the keys table
 * (`PAGE_TOKEN_SECRET_ITEM`), so that every front task — and every task
 * after a deployment replaced them — verifies the tokens any other issued
 * (the load balancer spreads one client's pages over tasks). The first
 * front to start creates it with a conditional put (`attribute_not_exists`);
 * a front that loses that race, or starts later, reads the winner's. It
 * goes through the DynamoDB gateway endpoint the stack already has, so the
 * stack needs no Secrets Manager endpoint (an interface endpoint per AZ).
 *
 * @example
 * ```ts
 * const secret = await new PageTokenSecretStore({ client: documents, tableName: 'sluice-keys' }).ensure();
 * const codec = new PageTokenCodec({ secret });
 * ```
 */
export class PageTokenSecretStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: PageTokenSecretStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  /** The stored key, created first if there is none. */
  async ensure(): Promise<string> {
    const stored = await this.#read();
    if (stored !== undefined) return stored;
    const secret = generatePageTokenSecret();
    const created = await putIfAbsent(this.#client, {
      tableName: this.#tableName,
      partitionKey: KEYS_TABLE_SCHEMA.partitionKey,
      item: {
        [KEYS_TABLE_SCHEMA.partitionKey]: PAGE_TOKEN_SECRET_ITEM.keyId,
        [PAGE_TOKEN_SECRET_ITEM.secretAttribute]: secret,
      },
    });
    if (created) return secret;
    // Another front created it between the read and the put: use theirs.
    const winner = await this.#read();
    if (winner === undefined) throw new PageTokenSecretError(this.#tableName);
    return winner;
  }

  async #read(): Promise<string | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { [KEYS_TABLE_SCHEMA.partitionKey]: PAGE_TOKEN_SECRET_ITEM.keyId },
        ConsistentRead: true,
      }),
    );
    const secret: unknown = Item?.[PAGE_TOKEN_SECRET_ITEM.secretAttribute];
    return typeof secret === 'string' ? secret : undefined;
  }
}
