import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AccessLogBucketProps {
  /** Applied to the bucket; `DESTROY` also empties it on delete. */
  readonly removalPolicy: RemovalPolicy;
  /** Objects expire after this many days; `INFINITE` keeps them. */
  readonly retention: RetentionDays;
}

/**
 * Receives S3 server access logs and Redshift audit logs. Both services can only write to a
 * bucket encrypted with S3-managed keys, hence SSE-S3 here while data buckets use KMS.
 */
export class AccessLogBucket extends Construct {
  /** Prefix of the Redshift audit logs. */
  public static readonly REDSHIFT_AUDIT_PREFIX = 'redshift-audit/';
  /** Prefix of the S3 server access logs; each source bucket gets a sub-prefix. */
  public static readonly S3_ACCESS_PREFIX = 's3-access/';

  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const destroy = props.removalPolicy === RemovalPolicy.DESTROY;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: destroy,
      lifecycleRules: [
        {
          id: 'expire-logs',
          expiration: props.retention === RetentionDays.INFINITE ? undefined : Duration.days(props.retention),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging its own accesses into itself would loop.',
    });
  }

  /** Lets Redshift audit logging of clusters in this account and region write under REDSHIFT_AUDIT_PREFIX. */
  public allowRedshiftAuditLogging(): void {
    const principal = new iam.ServicePrincipal('redshift.amazonaws.com');
    const conditions = {
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:redshift:${Aws.REGION}:${Aws.ACCOUNT_ID}:cluster:*` },
    };
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'RedshiftAuditLogWrite',
        principals: [principal],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${AccessLogBucket.REDSHIFT_AUDIT_PREFIX}*`)],
        conditions,
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'RedshiftAuditLogAcl',
        principals: [principal],
        actions: ['s3:GetBucketAcl'],
        resources: [this.bucket.bucketArn],
        conditions,
      }),
    );
  }
}
