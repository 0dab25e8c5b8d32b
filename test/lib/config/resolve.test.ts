import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError, environments, resolveEnvironment } from '../../../lib/config';

describe('resolveEnvironment', () => {
  it('leaves account and region unset by default (environment-agnostic)', () => {
    const config = resolveEnvironment('dev');
    expect([config.account, config.region]).toEqual([undefined, undefined]);
  });

  it('takes account and region from context overrides', () => {
    const config = resolveEnvironment('prod', { account: '123456789012', region: 'eu-west-1' });
    expect([config.account, config.region]).toEqual(['123456789012', 'eu-west-1']);
  });

  it('accepts a numeric account from context as its string form', () => {
    expect(resolveEnvironment('dev', { account: 123456789012 }).account).toBe('123456789012');
  });

  it('retains data in prod', () => {
    expect(resolveEnvironment('prod').removalPolicy).toBe(RemovalPolicy.RETAIN);
  });

  it('destroys data in dev', () => {
    expect(resolveEnvironment('dev').removalPolicy).toBe(RemovalPolicy.DESTROY);
  });

  it.each([
    ['dev', 'Dev'],
    ['staging', 'Staging'],
    ['prod', 'Prod'],
  ] as const)('names the %s stage %s', (envName, stageId) => {
    expect(resolveEnvironment(envName).stageId).toBe(stageId);
  });

  it('exposes the sessionizer settings as Durations and numbers', () => {
    const { sessionizer } = resolveEnvironment('dev');
    expect([sessionizer.schedule, sessionizer.freshnessLagThreshold].every((d) => d instanceof Duration)).toBe(true);
    expect(typeof sessionizer.maxObjectsPerRun + typeof sessionizer.maxBytesPerRun).toBe('numbernumber');
  });

  it('throws a ConfigValidationError naming the environment and each fix', () => {
    const bad = { ...environments.prod, dataSurvivesDestroy: false };
    expect(() => resolveEnvironment('prod', {}, bad)).toThrow(ConfigValidationError);
    expect(() => resolveEnvironment('prod', {}, bad)).toThrow(/Invalid configuration for environment 'prod'.*\n  - dataSurvivesDestroy: .*set dataSurvivesDestroy to true/);
  });

  it('fails on a bad account given on the command line', () => {
    expect(() => resolveEnvironment('dev', { account: 'my-account' })).toThrow(/account: 'my-account' is not an AWS account id/);
  });
});
