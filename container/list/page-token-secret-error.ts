import { SluiceError, type ErrorStatus } from '../../core/errors/index.js';
import { PAGE_TOKEN_SECRET_ITEM } from '../../core/keys/keys-table-schema.js';

/**
 * The keys table holds a page-token item without a usable key (written by
 * hand, not by `PageTokenSecretStore`): a front cannot start listing with
 * it, and guessing another key would split the deployment's tokens. An
 * operator deletes the item; the next front to start creates a new key.
 *
 * @example
 * ```ts
 * if (error instanceof PageTokenSecretError) logger.fatal({ err: error }, 'cannot start');
 * ```
 */
export class PageTokenSecretError extends SluiceError {
  readonly status: ErrorStatus = 'INTERNAL';

  constructor(tableName: string) {
    super(
      `the item ${PAGE_TOKEN_SECRET_ITEM.keyId} of ${tableName} holds no string ${PAGE_TOKEN_SECRET_ITEM.secretAttribute}; delete it and a front creates a new page-token key`,
    );
  }
}
