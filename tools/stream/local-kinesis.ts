/**
 * kinesalite as the local Kinesis: an in-memory server on an ephemeral loopback
 * port, with a stream created and ACTIVE before it is handed out.
 */
import type { AddressInfo } from 'node:net';
import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import kinesalite from 'kinesalite';
import { createKinesisClient } from '../replay/index';

export interface LocalKinesis {
  readonly endpoint: string;
  /** A client for the endpoint (dummy credentials, us-east-1). */
  readonly client: KinesisClient;
  createStream(name: string, shards: number): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalKinesis(): Promise<LocalKinesis> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = await createKinesisClient({ endpoint, region: 'us-east-1' });
  return {
    endpoint,
    client,
    async createStream(name: string, shards: number): Promise<void> {
      await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      for (let i = 0; i < 200; i += 1) {
        const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
        if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`local kinesis: stream ${name} did not become ACTIVE`);
    },
    async close(): Promise<void> {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
