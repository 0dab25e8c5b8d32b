import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKinesisClient } from '../../../tools/replay/index';

const ENV = ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE'] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

afterEach(() => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('createKinesisClient', () => {
  it('hands a profile to the default chain through AWS_PROFILE (credential-providers is not installed)', async () => {
    delete process.env.AWS_PROFILE;
    const client = await createKinesisClient({ profile: 'analytics', region: 'eu-west-1' });
    expect(process.env.AWS_PROFILE).toBe('analytics');
    expect(await client.config.region()).toBe('eu-west-1');
    client.destroy();
  });

  it('signs with dummy credentials for a loopback endpoint such as kinesalite', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    const client = await createKinesisClient({ endpoint: 'http://127.0.0.1:4567' });
    expect(await client.config.region()).toBe(process.env.AWS_REGION ?? 'us-east-1');
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'local' });
    client.destroy();
  });

  it.each([undefined, 'https://kinesis.us-west-2.amazonaws.com'])('keeps the standard chain for a remote endpoint (%s)', async (endpoint) => {
    // a shared credentials file stands for whatever the user has configured; with no key in
    // the environment, only the chain can find it (dummy credentials would win otherwise)
    const dir = mkdtempSync(join(tmpdir(), 'streamflix-aws-'));
    writeFileSync(join(dir, 'credentials'), '[default]\naws_access_key_id = AKIDFROMTHECHAIN\naws_secret_access_key = secret-from-the-chain\n');
    writeFileSync(join(dir, 'config'), '');
    for (const k of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const) delete process.env[k];
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    const client = await createKinesisClient({ region: 'us-west-2', endpoint });
    expect(await client.config.region()).toBe('us-west-2');
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'AKIDFROMTHECHAIN' });
    client.destroy();
  });
});
