#!/usr/bin/env node
// The CDK app: one Stage per environment from lib/config, checked by cdk-nag at synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addEnvironmentStages } from '../lib/stages/environments';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
addEnvironmentStages(app);
