/**
 * What an API key may do: `tenant` (the default) acts on its tenant's jobs
 * only; `operator` may also make the calls that show deployment-wide figures
 * shared by all tenants (such as `ListChannels` with `include_queue_stats`).
 */
export const API_KEY_ROLES = Object.freeze(['tenant', 'operator'] as const);

/** One of `API_KEY_ROLES`. */
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** The role of a key created without `--role`. */
export const DEFAULT_API_KEY_ROLE: ApiKeyRole = 'tenant';

/**
 * Whether `value` names a role (for parsing `--role` and stored items).
 *
 * @example
 * ```ts
 * if (!isApiKeyRole(options.role)) throw new UsageError('--role is tenant or operator');
 * ```
 */
export function isApiKeyRole(value: unknown): value is ApiKeyRole {
  return typeof value === 'string' && (API_KEY_ROLES as readonly string[]).includes(value);
}
