import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { acknowledgeWildcardResource } from '../../../lib/constructs/nag';
import { newApp } from '../helpers/cdk-app';

let findings: string[];
let acknowledged: Record<string, string>;

/** A bucket in one stack, a role in another granted two wildcard prefixes; only one is acknowledged. */
beforeAll(() => {
  const app = newApp();
  const producer = new Stack(app, 'Producer');
  const bucket = new s3.Bucket(producer, 'Bucket');
  const consumer = new Stack(app, 'Consumer');
  const role = new iam.Role(consumer, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('a/*'), bucket.arnForObjects('b/*')] }));
  acknowledgeWildcardResource(role, bucket.arnForObjects('a/*'), 'reads a/ only');
  app.synth();
  findings = new AwsSolutionsChecks()
    .validateScope(consumer)
    .violations.map((v) => v.ruleName)
    .filter((r) => r.startsWith('AwsSolutions-IAM5'));
  acknowledged = Object.assign({}, ...role.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => m.data));
});

describe('acknowledgeWildcardResource', () => {
  it('acknowledges the finding of a wildcard resource that comes from another stack', () => {
    expect(findings.some((f) => f.endsWith('/a/*]'))).toBe(false);
  });

  it('leaves every other wildcard finding standing', () => {
    expect(findings).toEqual([expect.stringMatching(/^AwsSolutions-IAM5\[Resource::\{"Fn::GetStackOutput":.*\}\/b\/\*\]$/)]);
  });

  it('records the reason on the IAM entity itself', () => {
    expect(Object.entries(acknowledged)).toEqual([[expect.stringMatching(/AwsSolutions-IAM5\[Resource::.*\/a\/\*\]$/), 'reads a/ only']]);
  });
});
