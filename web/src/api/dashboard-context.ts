import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { JobClient } from './job-client.js';

/** What every page shares: the client, and how the front authenticates. */
export interface Dashboard {
  client: JobClient;
  /** `open`: the front checks no keys; `api-keys`: calls carry the signed-in key. */
  authMode: 'open' | 'api-keys';
  /** A template with `{traceId}` for links to a trace viewer; empty: no links. */
  traceUrlTemplate: string;
}

/** The dashboard's shared state, provided once by `App`. */
export const DashboardContext = createContext<Dashboard | undefined>(undefined);

/**
 * The shared client and auth mode, for any page under `App`.
 *
 * @example
 * ```ts
 * const { client } = useDashboard();
 * ```
 */
export function useDashboard(): Dashboard {
  const dashboard = useContext(DashboardContext);
  if (dashboard === undefined) throw new TypeError('useDashboard is only for pages inside App');
  return dashboard;
}
