import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStage } from '../helpers/cdk-app';

let body: string;
let dev: Template;

beforeAll(() => {
  dev = Template.fromStack(buildStage('dev').monitoring);
  const dashboard = Object.values(dev.findResources('AWS::CloudWatch::Dashboard'))[0] as { Properties: { DashboardBody: unknown } };
  body = JSON.stringify(dashboard.Properties.DashboardBody);
});

describe('MonitoringStack', () => {
  it('has one dashboard with no fixed name', () => {
    dev.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    dev.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: Match.absent() });
  });

  it('shows the state of every alarm of the environment', () => {
    const alarmOutputs = new Set(body.match(/OutputName":"PublishOutputFnGetAtt\w*Alarm\w*Arn\w*"/g));
    // Kinesis ×2, Firehose ×2, Redshift ×2, and the sessionizer's errors, freshness lag, missed runs, dead letters and quarantined share.
    expect(alarmOutputs.size).toBe(11);
  });

  it('graphs the share of lines quarantined against its alarm, from the alarm itself', () => {
    const at = body.indexOf('Loads: lines quarantined (%) against the alarm');
    expect(at).toBeGreaterThan(-1);
    // the widget's own properties: up to the next widget
    const widget = body.slice(at, body.indexOf('"type', at + 1));
    expect(widget).toContain('annotations');
    expect(widget).toMatch(/"OutputName":"PublishOutputFnGetAttSessionizerQuarantineAlarm\w*Arn\w*"/);
  });

  it.each([
    ['Kinesis iterator age', 'GetRecords.IteratorAgeMilliseconds'],
    ['Kinesis write throttling', 'WriteProvisionedThroughputExceeded'],
    ['Firehose freshness', 'DeliveryToS3.DataFreshness'],
    ['Firehose delivery success', 'DeliveryToS3.Success'],
    ['Redshift health', 'HealthStatus'],
    ['Redshift disk use', 'PercentageDiskSpaceUsed'],
    ['lines read per load', 'LinesRead'],
    ['events loaded per load', 'EventsLoaded'],
    ['duplicates per load', 'Duplicates'],
    ['quarantined lines per load', 'Quarantined'],
    ['reference-feed lines read per load', 'ReferenceLinesRead'],
    ['reference-feed lines quarantined per load', 'ReferenceLinesQuarantined'],
    ['the freshness lag', 'FreshnessLagSeconds'],
  ])('graphs %s', (_, metricName) => {
    expect(body).toContain(`\\"${metricName}\\"`);
  });
});
