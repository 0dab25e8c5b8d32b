import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one AwsSolutions-IAM5 wildcard-resource finding on an IAM entity (role or
 * policy), for a resource such as `bucket.arnForObjects('events/*')`.
 *
 * cdk-nag names the finding after the resource as CloudFormation will see it. When the
 * resource comes from another stack, that text only exists once CDK has wired the
 * cross-stack reference (`Fn::GetStackOutput`), after construction; so the finding id is
 * computed in a validation hook, which runs after that wiring and before cdk-nag.
 */
export function acknowledgeWildcardResource(entity: IConstruct, resource: string, reason: string): void {
  entity.node.addValidation({
    validate: () => {
      const resolved: unknown = Stack.of(entity).resolve(resource);
      Validations.of(entity).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(resolved)}]`, reason });
      return [];
    },
  });
}
