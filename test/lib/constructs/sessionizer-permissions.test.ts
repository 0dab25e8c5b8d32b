import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { grantDataApi, grantSecretRead } from '../../../lib/constructs/sessionizer-permissions.js';

function twoStacks() {
  const app = new App();
  const env = { account: '111111111111', region: 'eu-west-1' };
  const shared = new Stack(app, 'Shared', { env });
  const key = new kms.Key(shared, 'DataKey');
  const secret = new secretsmanager.Secret(shared, 'Secret', { encryptionKey: key });
  const stack = new Stack(app, 'Consumer', { env });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { app, shared, stack, role, secret };
}

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const statements = (stack: Stack): Statement[] =>
  Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );

describe('grantSecretRead', () => {
  it('grants reading the secret and decrypting it through Secrets Manager only', () => {
    const { stack, role, secret } = twoStacks();
    grantSecretRead(role, stack, secret);
    const decrypt = statements(stack).find((s) => s.Sid === 'DecryptClusterSecret');
    expect(decrypt?.Action).toBe('kms:Decrypt');
    expect(JSON.stringify(decrypt?.Condition)).toContain('secretsmanager.');
  });

  it("leaves the key's policy in the other stack alone, so no reference cycle can form", () => {
    const { app, shared, stack, role, secret } = twoStacks();
    grantSecretRead(role, stack, secret);
    expect(() => app.synth()).not.toThrow();
    expect(JSON.stringify(Template.fromStack(shared).toJSON())).not.toContain('Consumer');
  });
});

describe('grantDataApi', () => {
  it('limits statements to the cluster and follow-ups to statements of this role', () => {
    const { stack, role } = twoStacks();
    grantDataApi(role, stack, 'streamflix-prod');
    const all = statements(stack);
    expect(JSON.stringify(all.find((s) => s.Sid === 'RunStatementsOnThisCluster')?.Resource)).toContain(':cluster:streamflix-prod');
    const follow = all.find((s) => s.Sid === 'FollowOwnStatements');
    expect(follow?.Condition).toEqual({
      StringLike: {
        'redshift-data:statement-owner-iam-userid': [
          { 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as iam.CfnRole), 'RoleId'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as iam.CfnRole), 'RoleId'] }, ':*']] },
        ],
      },
    });
  });
});
