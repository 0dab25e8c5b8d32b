import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag';

export interface CopyRoleProps {
  /** The only bucket COPY may read. */
  readonly bucket: s3.IBucket;
  /** The bucket's key; decrypt is allowed only through S3. */
  readonly bucketKey: kms.IKey;
}

/** The role attached to the cluster for `COPY ... IAM_ROLE`: read the bronze bucket, nothing else. */
export class CopyRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: CopyRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      description: 'Redshift COPY: read-only access to the bronze bucket',
      assumedBy: new iam.ServicePrincipal('redshift.amazonaws.com'),
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListBronze',
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [props.bucket.bucketArn],
      }),
    );
    const objects = props.bucket.arnForObjects('*');
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadBronzeObjects', actions: ['s3:GetObject'], resources: [objects] }));
    acknowledgeWildcardResource(
      this.role,
      objects,
      'COPY reads objects the sessionizer picks at run time (events/, catalog/, users/ and its manifests), so object keys cannot be listed in advance; read-only and confined to the bronze bucket.',
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptBronzeObjects',
        actions: ['kms:Decrypt'],
        resources: [props.bucketKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
}
