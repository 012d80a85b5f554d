import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
  type ITable,
} from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEFAULT_LIST_SHARDS, JOB_INDEXES } from '../../core/jobs/job-indexes.js';
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

/** What ListJobs needs besides record access: queries of the table's indexes (never a Scan). */
export const JOBS_LISTING_ACTIONS = Object.freeze(['dynamodb:Query']);

/** Properties of `JobsTableResource`. */
export interface JobsTableResourceProps {
  /**
   * Use this existing table (one a `cdk destroy` retained) instead of creating
   * one; the stack then neither configures nor deletes it.
   */
  importTableName?: string;
  /** Index shards per listing key (`SLUICE_LIST_SHARDS`); default `DEFAULT_LIST_SHARDS`. Only ever raise it. */
  listShards?: number;
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
  /** Index shards per listing key: the front and every function get the same value. */
  readonly listShards: number;

  constructor(scope: Construct, id: string, props: JobsTableResourceProps = {}) {
    super(scope, id);
    this.imported = props.importTableName !== undefined;
    this.listShards = props.listShards ?? DEFAULT_LIST_SHARDS;
    if (props.importTableName !== undefined) {
      // An imported table must already have the indexes of JOB_INDEXES (a retained Sluice table does).
      this.table = Table.fromTableName(this, 'Table', props.importTableName);
      return;
    }
    const table = new Table(this, 'Table', {
      partitionKey: { name: JOBS_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: JOBS_TABLE_SCHEMA.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The secondary indexes of core/jobs/job-indexes.ts, as the local runtime creates them.
    for (const index of Object.values(JOB_INDEXES)) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.INCLUDE,
        nonKeyAttributes: [...index.projectedAttributes],
      });
    }
    this.table = table;
  }

  /**
   * Lets `grantee` query the table's indexes (`JOBS_LISTING_ACTIONS` on
   * each index of `JOB_INDEXES` only): what ListJobs does, so only the front gets it.
   *
   * @example
   * ```ts
   * jobs.grantListing(taskDefinition.taskRole);
   * ```
   */
  grantListing(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [...JOBS_LISTING_ACTIONS],
      resourceArns: Object.values(JOB_INDEXES).map(
        (index) => `${this.table.tableArn}/index/${index.indexName}`,
      ),
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
