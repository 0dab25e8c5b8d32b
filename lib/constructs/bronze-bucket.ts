import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MANIFEST_PREFIX } from '../../lambda/sessionizer/bucket-layout.js';
import type { BronzeLifecycleConfig } from '../config';

export interface BronzeBucketProps {
  /** Encrypts every object (SSE-KMS with an S3 bucket key). */
  readonly encryptionKey: kms.IKey;
  /** Receives the server access logs. */
  readonly accessLogsBucket: s3.IBucket;
  /** Prefix in `accessLogsBucket` for this bucket's access logs. */
  readonly accessLogsPrefix: string;
  readonly lifecycle: BronzeLifecycleConfig;
  /** Applied to the bucket; `DESTROY` also empties it on delete. */
  readonly removalPolicy: RemovalPolicy;
  /**
   * How long a load's scratch objects under `manifests/` (manifests, numbered copies of the
   * reference feeds) are kept. They are read only while their load runs; a copy of the users
   * feed holds personal data and must not outlive a deletion from `users/` for long.
   * @default Duration.days(7)
   */
  readonly loadScratchExpiry?: Duration;
}

/**
 * The raw landing zone: Firehose writes the event stream under `events/`, the reference feeds
 * arrive under `catalog/` and `users/`, and nothing here is ever rewritten.
 */
export class BronzeBucket extends Construct {
  /** Firehose output, partitioned by arrival date (UTC). */
  public static readonly EVENTS_PREFIX = 'events/';
  /** Content catalog snapshots (reference feed). */
  public static readonly CATALOG_PREFIX = 'catalog/';
  /** User snapshots (reference feed). */
  public static readonly USERS_PREFIX = 'users/';
  /** Records Firehose could not deliver or process. */
  public static readonly ERRORS_PREFIX = 'errors/';
  /** A load's scratch objects: manifests and numbered copies, expired after `loadScratchExpiry`. */
  public static readonly MANIFESTS_PREFIX = MANIFEST_PREFIX;

  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: BronzeBucketProps) {
    super(scope, id);
    const { lifecycle } = props;
    const scratchExpiry = props.loadScratchExpiry ?? Duration.days(7);
    if (scratchExpiry.toDays({ integral: false }) < 1 || !Number.isInteger(scratchExpiry.toDays({ integral: false }))) {
      throw new Error(`BronzeBucket: loadScratchExpiry must be whole days, at least 1 (S3 expires by day); got ${scratchExpiry.toHumanString()}`);
    }
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versioning protects raw data from an accidental overwrite or delete.
      versioned: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsPrefix,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
      lifecycleRules: [
        {
          id: 'tiering',
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: lifecycle.infrequentAccessAfter },
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: lifecycle.glacierAfter },
          ],
          expiration: lifecycle.expireAfter,
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        {
          // not raw data: expires in every environment, whatever the raw data's retention
          id: 'load-scratch',
          prefix: MANIFEST_PREFIX,
          expiration: scratchExpiry,
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          // the bucket is versioned: each expiry leaves a delete marker, removed once alone
          // (S3 takes this in a rule without an expiration of its own)
          id: 'load-scratch-markers',
          prefix: MANIFEST_PREFIX,
          expiredObjectDeleteMarker: true,
        },
      ],
    });
  }
}
