/** The session storage slot of the signed-in API key. */
const API_KEY_SLOT = 'sluice.apiKey';

/**
 * The API key the dashboard signs its calls with. Session storage, not local
 * storage or the URL: the key lives as long as the tab, never lands in
 * history, a shared link, a referrer or a server log.
 *
 * @example
 * ```ts
 * apiKeyStorage.save(key);
 * apiKeyStorage.load(); // key
 * ```
 */
export const apiKeyStorage = {
  load(): string | undefined {
    return sessionStorage.getItem(API_KEY_SLOT) ?? undefined;
  },
  save(key: string): void {
    sessionStorage.setItem(API_KEY_SLOT, key);
  },
  clear(): void {
    sessionStorage.removeItem(API_KEY_SLOT);
  },
};
