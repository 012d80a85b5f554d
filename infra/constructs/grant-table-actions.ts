import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';

/**
 * Lets `grantee` make exactly `actions` on `table` (the table itself, not
 * its indexes): the least-privilege grant each Sluice table offers its
 * callers, instead of CDK's broad `grantReadData`/`grantWriteData` sets.
 *
 * @example
 * ```ts
 * grantTableActions(taskDefinition.taskRole, keysTable, ['dynamodb:GetItem']);
 * ```
 */
export function grantTableActions(
  grantee: IGrantable,
  table: ITable,
  actions: readonly string[],
): Grant {
  return Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns: [table.tableArn] });
}
