import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  Table,
  TableEncryption,
  type ITable,
} from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { JOBS_TABLE_SCHEMA } from '../../core/jobs/table-schema.js';

/**
 * The item-level calls `core/jobs/jobs-table.ts` makes (Get, BatchGet,
 * conditional Put and Update) and nothing more: no Scan, Query, DeleteItem
 * or table-level action.
 */
export const JOBS_TABLE_ACTIONS = Object.freeze([
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
]);

/** Properties of `JobsTableResource`. */
export interface JobsTableResourceProps {
  tableName: string;
}

/**
 * The jobs table (DynamoDB): the key and TTL attribute from
 * `core/jobs/table-schema.ts`, on-demand capacity, point-in-time recovery,
 * encryption with the AWS-managed key, and kept when the stack is deleted
 * (it holds every job's record).
 *
 * @example
 * ```ts
 * const jobs = new JobsTableResource(stack, 'Jobs', { tableName: 'sluice-jobs' });
 * jobs.grantJobAccess(consumer);
 * ```
 */
export class JobsTableResource extends Construct {
  readonly table: ITable;

  constructor(scope: Construct, id: string, props: JobsTableResourceProps) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: JOBS_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: JOBS_TABLE_SCHEMA.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Lets `grantee` read and write job records (`JOBS_TABLE_ACTIONS` on this
   * table only), which is all the front, a consumer or a dead-letter handler does.
   *
   * @example
   * ```ts
   * jobs.grantJobAccess(taskDefinition.taskRole);
   * ```
   */
  grantJobAccess(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [...JOBS_TABLE_ACTIONS],
      resourceArns: [this.table.tableArn],
    });
  }
}
