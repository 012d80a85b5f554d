import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  Table,
  TableEncryption,
  type ITable,
} from 'aws-cdk-lib/aws-dynamodb';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { grantTableActions } from './grant-table-actions.js';
import { LIMITS_TABLE_SCHEMA } from '../../core/limits/limits-table-schema.js';

/** What the front does with the limits table: lease tokens with one conditional UpdateItem, nothing else. */
export const LIMITS_TABLE_ACTIONS = Object.freeze(['dynamodb:UpdateItem']);

/** Properties of `LimitsTableResource`. */
export interface LimitsTableResourceProps {
  tableName: string;
}

/**
 * The limits table (DynamoDB): per-tenant, per-second submit counters that
 * every front task leases tokens from (`LeasedRateLimiter`), so a tenant's
 * rate holds for the deployment. Its key and TTL attribute come from
 * `core/limits/limits-table-schema.ts`; on demand, encrypted. It holds only
 * counters that expire after a minute, so it is deleted with the stack (a
 * later deploy with the same prefix creates it afresh).
 *
 * @example
 * ```ts
 * const limits = new LimitsTableResource(stack, 'Limits', { tableName: 'sluice-limits' });
 * limits.grantTokenLeases(taskDefinition.taskRole);
 * ```
 */
export class LimitsTableResource extends Construct {
  readonly table: ITable;

  constructor(scope: Construct, id: string, props: LimitsTableResourceProps) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: LIMITS_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: LIMITS_TABLE_SCHEMA.ttlAttribute,
      // cdk-nag wants it; the table holds a minute of counters, so it costs next to nothing.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /**
   * Lets `grantee` lease tokens (`LIMITS_TABLE_ACTIONS` on this table only).
   *
   * @example
   * ```ts
   * limits.grantTokenLeases(taskDefinition.taskRole);
   * ```
   */
  grantTokenLeases(grantee: IGrantable): Grant {
    return grantTableActions(grantee, this.table, LIMITS_TABLE_ACTIONS);
  }
}
