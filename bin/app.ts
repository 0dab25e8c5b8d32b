#!/usr/bin/env node
// The CDK app: one Stage per environment from lib/config, checked by cdk-nag at synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigValidationError } from '../lib/config';
import { addEnvironmentStages } from '../lib/stages/environments';

// CDK's built-in template validation is a WASM linter that takes two thirds of the synth
// time; the test suite runs cfn-lint over every synthesized template instead.
const app = new App({ builtinCloudFormationValidation: false });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
try {
  addEnvironmentStages(app);
} catch (e) {
  // what to fix, one line per problem, without a stack trace in the way
  if (!(e instanceof ConfigValidationError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
}
