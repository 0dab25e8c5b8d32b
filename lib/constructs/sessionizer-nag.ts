/**
 * Acknowledging cdk-nag's IAM5 (wildcard) findings one by one, on the policy that has
 * them. A finding's id embeds the flattened resource (`AwsSolutions-IAM5[Resource::
 * <BronzeBucket1234.Arn>/manifests/*]`), which depends on logical ids and, when the
 * bucket lives in another stack, on export names: known only once CDK has resolved
 * cross-stack references. So the ids are computed in a construct validation, which
 * runs after that resolution and before the validation plugins (cdk-nag) run, with
 * the very flattening cdk-nag uses; each acknowledged finding must match a pattern
 * given here with its reason, so nothing unexpected is waved through.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

export interface WildcardAcknowledgement {
  /** Matches the finding after `AwsSolutions-IAM5[`, e.g. /^Resource::\*$/. */
  readonly finding: RegExp;
  readonly reason: string;
}

interface Statement {
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly Resource?: unknown;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** The IAM5 findings cdk-nag derives from a resolved policy document. */
function wildcardFindings(document: { Statement?: Statement[] } | undefined): string[] {
  const findings = new Set<string>();
  for (const statement of document?.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of list(statement.Action)) if (String(action).includes('*')) findings.add(`Action::${String(action)}`);
    for (const resource of list(statement.Resource)) {
      const flat = flattenCfnReference(resource);
      if (flat.includes('*')) findings.add(`Resource::${flat}`);
    }
  }
  return [...findings];
}

/** Acknowledges, on each IAM policy or role under `scope`, the IAM5 findings matching `acknowledgements`. */
export function acknowledgeWildcards(scope: IConstruct, acknowledgements: readonly WildcardAcknowledgement[]): void {
  scope.node.addValidation({
    validate: () => {
      for (const node of scope.node.findAll()) {
        const stack = Stack.of(node);
        let documents: unknown[] = [];
        if (node instanceof CfnPolicy) documents = [stack.resolve(node.policyDocument)];
        else if (node instanceof CfnRole) {
          documents = list(stack.resolve(node.policies)).map((p) => stack.resolve((p as { policyDocument?: unknown }).policyDocument));
        }
        for (const document of documents) {
          for (const finding of wildcardFindings(document as { Statement?: Statement[] })) {
            const match = acknowledgements.find((a) => a.finding.test(finding));
            if (match) Validations.of(node).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: match.reason });
          }
        }
      }
      return [];
    },
  });
}
