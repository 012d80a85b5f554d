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
import { grantTableActions } from './grant-table-actions.js';
import { KEYS_TABLE_SCHEMA, PAGE_TOKEN_SECRET_ITEM } from '../../core/keys/keys-table-schema.js';

/**
 * What the front does with the keys table: look a presented key up by its id
 * (`ApiKeyStore.find`), nothing else — no write, no Query, no Scan. Keys are
 * created, listed and revoked by `sluice keys` with an operator's own
 * credentials.
 */
export const KEYS_TABLE_LOOKUP_ACTIONS = Object.freeze(['dynamodb:GetItem']);

/**
 * What the front does with the one page-token item (`PAGE_TOKEN_SECRET_ITEM`):
 * create it once if absent (a conditional PutItem) and read it. Only that
 * item: the grant's condition is `dynamodb:LeadingKeys` = its key id.
 */
export const PAGE_TOKEN_SECRET_ACTIONS = Object.freeze(['dynamodb:GetItem', 'dynamodb:PutItem']);

/** Properties of `KeysTableResource`. */
export interface KeysTableResourceProps {
  /**
   * Use this existing table (one a `cdk destroy` retained, with its keys)
   * instead of creating one; the stack then neither configures nor deletes it.
   */
  importTableName?: string;
}

/**
 * The API keys table (DynamoDB): the key and listing index from
 * `core/keys/keys-table-schema.ts` (the index never holds the hashes),
 * on-demand capacity, point-in-time recovery, encryption with the AWS-managed
 * key, and kept when the stack is deleted (like the jobs table: deleting it
 * would lock every client out). CloudFormation names it (no fixed physical
 * name), so a deploy after `cdk destroy` does not collide with the retained
 * one; `importTableName` reuses that one.
 *
 * @example
 * ```ts
 * const keys = new KeysTableResource(stack, 'Keys', {});
 * keys.grantKeyLookup(taskDefinition.taskRole);
 * ```
 */
export class KeysTableResource extends Construct {
  readonly table: ITable;

  constructor(scope: Construct, id: string, props: KeysTableResourceProps = {}) {
    super(scope, id);
    if (props.importTableName !== undefined) {
      this.table = Table.fromTableName(this, 'Table', props.importTableName);
      return;
    }
    const { partitionKey, listIndex, listedAttributes } = KEYS_TABLE_SCHEMA;
    const table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    table.addGlobalSecondaryIndex({
      indexName: listIndex.indexName,
      partitionKey: { name: listIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: listIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...listedAttributes],
    });
    this.table = table;
  }

  /**
   * Lets `grantee` look keys up by id (`KEYS_TABLE_LOOKUP_ACTIONS` on this
   * table only, not its index): all the front may do with it.
   *
   * @example
   * ```ts
   * keys.grantKeyLookup(taskDefinition.taskRole);
   * ```
   */
  grantKeyLookup(grantee: IGrantable): Grant {
    return grantTableActions(grantee, this.table, KEYS_TABLE_LOOKUP_ACTIONS);
  }

  /**
   * Lets `grantee` read and create the deployment's page-token key
   * (`PageTokenSecretStore`): `PAGE_TOKEN_SECRET_ACTIONS` on that one item
   * of this table, by a `dynamodb:LeadingKeys` condition — the front can
   * write nothing else here (no key, no revocation).
   *
   * @example
   * ```ts
   * keys.grantPageTokenSecret(taskDefinition.taskRole);
   * ```
   */
  grantPageTokenSecret(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [...PAGE_TOKEN_SECRET_ACTIONS],
      resourceArns: [this.table.tableArn],
      conditions: {
        'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [PAGE_TOKEN_SECRET_ITEM.keyId] },
      },
    });
  }
}
