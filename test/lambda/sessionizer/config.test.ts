import { describe, expect, it } from 'vitest';
import { sessionizerConfigFromEnv } from '../../../lambda/sessionizer/config.js';

const env = {
  CLUSTER_ID: 'streamflix-dev',
  DATABASE: 'streamflix',
  SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rs-AbCdEf',
  BRONZE_BUCKET: 'bronze',
  COPY_ROLE_ARN: 'arn:aws:iam::111111111111:role/copy',
  MAX_OBJECTS: '5',
  MAX_BYTES: '1000',
  STATEMENT_NAME: 'streamflix-load-dev',
  SQL_DIR: 'sql',
  LAMBDA_TASK_ROOT: '/var/task',
};

describe('sessionizerConfigFromEnv', () => {
  it('reads every setting, resolving sql/ against the task root', () => {
    expect(sessionizerConfigFromEnv(env)).toEqual({
      clusterIdentifier: 'streamflix-dev',
      database: 'streamflix',
      secretArn: env.SECRET_ARN,
      bronzeBucket: 'bronze',
      copyRoleArn: env.COPY_ROLE_ARN,
      maxObjectsPerRun: 5,
      maxBytesPerRun: 1000,
      lookbackDays: 1,
      statementName: 'streamflix-load-dev',
      sqlDir: '/var/task/sql',
    });
  });

  it('names a missing variable and who sets it', () => {
    const { CLUSTER_ID: _, ...rest } = env;
    expect(() => sessionizerConfigFromEnv(rest)).toThrow('Environment variable CLUSTER_ID is not set; it is set by the CDK construct');
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => sessionizerConfigFromEnv({ ...env, MAX_OBJECTS: '0' })).toThrow(/MAX_OBJECTS must be a positive integer, got "0"/);
    expect(() => sessionizerConfigFromEnv({ ...env, MAX_BYTES: '1e3x' })).toThrow(/MAX_BYTES/);
  });

  it('refuses a COPY role that is not a role ARN (it is written into the COPY statement)', () => {
    expect(() => sessionizerConfigFromEnv({ ...env, COPY_ROLE_ARN: "arn:aws:iam::1:role/x' --" })).toThrow(/COPY_ROLE_ARN must be an IAM role ARN/);
  });

  it('refuses a statement name the Data API would not accept', () => {
    expect(() => sessionizerConfigFromEnv({ ...env, STATEMENT_NAME: 'has space' })).toThrow(/STATEMENT_NAME/);
  });
});
