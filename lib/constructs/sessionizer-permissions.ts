import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';

/** The cluster ARN the Data API's ExecuteStatement/BatchExecuteStatement authorize against. */
export function clusterArn(scope: IConstruct, clusterIdentifier: string): string {
  return Stack.of(scope).formatArn({
    service: 'redshift',
    resource: 'cluster',
    resourceName: clusterIdentifier,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * Data API rights for one role on one cluster: statements run on this cluster only;
 * following up on statements (describe, results, cancel) only on those this role
 * submitted. The follow-up actions accept no resource ARN, so `*` is narrowed by the
 * statement-owner condition instead; the owner id is `<role id>:<session>`, and a
 * Lambda's session is its function name, so any session of this role qualifies
 * (the migrations resource follows up from a second function).
 */
export function grantDataApi(role: iam.Role, scope: IConstruct, clusterIdentifier: string): void {
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'RunStatementsOnThisCluster',
      actions: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'],
      resources: [clusterArn(scope, clusterIdentifier)],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'FollowOwnStatements',
      actions: ['redshift-data:DescribeStatement', 'redshift-data:GetStatementResult', 'redshift-data:CancelStatement'],
      resources: ['*'],
      conditions: { StringLike: { 'redshift-data:statement-owner-iam-userid': [role.roleId, `${role.roleId}:*`] } },
    }),
  );
  // ListStatements only ever returns the caller role's own statements.
  role.addToPolicy(
    new iam.PolicyStatement({ sid: 'ListOwnStatements', actions: ['redshift-data:ListStatements'], resources: ['*'] }),
  );
}

/** Why `Resource::*` is unavoidable for the Data API follow-up actions. */
export const DATA_API_WILDCARD_REASON =
  'redshift-data DescribeStatement, GetStatementResult, CancelStatement and ListStatements support no resource ARN; ' +
  'the first three are limited to statements this role submitted (statement-owner condition), and ListStatements only ' +
  "returns the caller role's statements.";

/**
 * Read access to the cluster's secret, as identity policy only: `secret.grantRead` would
 * also add this role to the key policy of the secret's key, which (in the warehouse app)
 * lives in another stack, and the reference back would make a cycle. The key's default
 * policy delegates to IAM, so an identity policy suffices; decrypt only via Secrets Manager.
 */
export function grantSecretRead(role: iam.Role, scope: IConstruct, secret: secretsmanager.ISecret): void {
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadClusterSecret',
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`],
    }),
  );
  if (secret.encryptionKey) {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptClusterSecret',
        actions: ['kms:Decrypt'],
        resources: [secret.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(scope).region}.amazonaws.com` } },
      }),
    );
  }
}
