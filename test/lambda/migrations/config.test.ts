import { describe, expect, it } from 'vitest';
import { migrationsConfigFromEnv } from '../../../lambda/migrations/config.js';

const env = {
  CLUSTER_ID: 'streamflix-dev',
  DATABASE: 'streamflix',
  SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rs-AbCdEf',
  SQL_DIR: '/opt/sql',
};

describe('migrationsConfigFromEnv', () => {
  it('keeps the data on delete unless told otherwise', () => {
    expect(migrationsConfigFromEnv(env)).toMatchObject({ dropSchemaOnDelete: false, sqlDir: '/opt/sql' });
  });

  it('drops only on an explicit "true"', () => {
    expect(migrationsConfigFromEnv({ ...env, DROP_SCHEMA_ON_DELETE: 'true' }).dropSchemaOnDelete).toBe(true);
  });

  it('refuses anything else rather than guess', () => {
    expect(() => migrationsConfigFromEnv({ ...env, DROP_SCHEMA_ON_DELETE: 'yes' })).toThrow(/must be "true" or "false"/);
  });

  it('names a missing variable', () => {
    const { SECRET_ARN: _, ...rest } = env;
    expect(() => migrationsConfigFromEnv(rest)).toThrow(/SECRET_ARN is not set/);
  });
});
