import { afterEach, describe, expect, it } from 'vitest';
import { createKinesisClient } from '../../../tools/replay/index';

const saved = { profile: process.env.AWS_PROFILE, key: process.env.AWS_ACCESS_KEY_ID };

afterEach(() => {
  if (saved.profile === undefined) delete process.env.AWS_PROFILE;
  else process.env.AWS_PROFILE = saved.profile;
  if (saved.key === undefined) delete process.env.AWS_ACCESS_KEY_ID;
  else process.env.AWS_ACCESS_KEY_ID = saved.key;
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

  it('keeps the standard chain for a remote endpoint', async () => {
    const client = await createKinesisClient({ region: 'us-west-2' });
    expect(await client.config.region()).toBe('us-west-2');
    expect(client.config.endpoint).toBeUndefined();
    client.destroy();
  });
});
