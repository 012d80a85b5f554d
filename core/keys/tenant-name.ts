import { ValidationError } from '../errors/index.js';

/** The longest tenant name (with `:` and a 64-character group key it makes a 128-character MessageGroupId). */
export const MAX_TENANT_NAME_LENGTH = 63;

/**
 * A tenant name: lowercase letters, digits, `-`, `_` and `.`, starting with a
 * letter or digit, at most 63 characters. It never contains `#` or `:`, so
 * `<tenant>#…` keys (jobs, the keys table's listing index, rate counters)
 * cannot be confused across tenants, and `<tenant>:<group key>` stays within
 * SQS's 128-character MessageGroupId.
 */
export const TENANT_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/**
 * Checks a tenant name (as `sluice keys create --tenant` takes it), else a
 * `ValidationError` naming `tenant`.
 *
 * @example
 * ```ts
 * const tenant = parseTenantName('acme');
 * ```
 */
export function parseTenantName(value: string): string {
  if (!TENANT_NAME_PATTERN.test(value)) {
    throw new ValidationError(
      'tenant: must be 1-63 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
      { field: 'tenant' },
    );
  }
  return value;
}
