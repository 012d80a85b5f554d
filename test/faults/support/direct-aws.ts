import { createAwsClients, type AwsClients } from '../../../core/aws/aws-clients.js';
import { JobsTable } from '../../../core/jobs/jobs-table.js';
import type { EmbeddedEmulators } from '../../../local/emulators/embedded-emulators.js';
import type { LocalRuntime } from '../../../local/local-runtime.js';

/** AWS clients and the jobs table straight to the emulators, past any fault proxy. */
export interface DirectAws {
  clients: AwsClients;
  table: JobsTable;
}

/**
 * Clients to the emulators themselves for a runtime whose front talks to
 * them through a fault proxy: what checks (and consumers that must not see
 * the faults) use. Destroy the clients with `destroyAwsClients`.
 *
 * @example
 * ```ts
 * const { clients, table } = connectDirect(emulators, system.runtime);
 * ```
 */
export function connectDirect(emulators: EmbeddedEmulators, runtime: LocalRuntime): DirectAws {
  const clients = createAwsClients({
    region: runtime.aws.region,
    sqsEndpoint: emulators.sqsEndpoint,
    dynamoEndpoint: emulators.dynamoEndpoint,
  });
  const table = new JobsTable({
    client: clients.documents,
    tableName: runtime.resources.tableName,
  });
  return { clients, table };
}
