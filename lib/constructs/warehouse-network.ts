import type { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface WarehouseNetworkProps {
  readonly cidr: string;
  readonly logRetention: logs.RetentionDays;
  /** Applied to the flow-log group. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A VPC with isolated subnets only: nothing in it can reach or be reached from the internet.
 * S3 is reached through a gateway endpoint (Redshift COPY with enhanced VPC routing) and
 * Secrets Manager through an interface endpoint (the admin secret's rotation function).
 */
export class WarehouseNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly flowLogGroup: logs.LogGroup;
  /** Closed by default: allow its default port (443) from whatever needs Secrets Manager. */
  public readonly secretsManagerEndpoint: ec2.InterfaceVpcEndpoint;
  /** Subnets for the cluster and anything else placed in the VPC. */
  public readonly subnetSelection: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

  constructor(scope: Construct, id: string, props: WarehouseNetworkProps) {
    super(scope, id);
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [this.subnetSelection] },
      },
      flowLogs: {
        FlowLog: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
    });
    this.secretsManagerEndpoint = this.vpc.addInterfaceEndpoint('SecretsManager', {
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: this.subnetSelection,
      privateDnsEnabled: true,
      open: false,
    });
  }
}
