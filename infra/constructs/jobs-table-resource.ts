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
  /**
   * Use this existing table (one a `cdk destroy` retained) instead of creating
   * one; the stack then neither configures nor deletes it.
   */
  importTableName?: string;
}

/**
 * The jobs table (DynamoDB): the key and TTL attribute from
 * `core/jobs/table-schema.ts`, on-demand capacity, point-in-time recovery,
 * encryption with the AWS-managed key, and kept when the stack is deleted
 * (it holds every job's record). CloudFormation names it (no fixed physical
 * name), so a deploy after `cdk destroy` creates a new table beside the
 * retained one instead of failing on the name; the front and functions get
 * the name as `SLUICE_TABLE_NAME`. `importTableName` reuses a retained table.
 *
 * @example
 * ```ts
 * const jobs = new JobsTableResource(stack, 'Jobs', {});
 * jobs.grantJobAccess(consumer);
 * ```
 */
export class JobsTableResource extends Construct {
  readonly table: ITable;
  /** Whether the table is an existing one this stack does not manage. */
  readonly imported: boolean;

  constructor(scope: Construct, id: string, props: JobsTableResourceProps = {}) {
    super(scope, id);
    this.imported = props.importTableName !== undefined;
    if (props.importTableName !== undefined) {
      this.table = Table.fromTableName(this, 'Table', props.importTableName);
      return;
    }
    this.table = new Table(this, 'Table', {
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
