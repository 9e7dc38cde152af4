/**
 * The deployed artifacts themselves: the esbuild bundles run against the loopback fakes of AWS
 * and Alibaba Cloud, configured only through the environment, exactly as on the platforms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectAwsRegion } from '../../lib/collect/aws';
import { auditInventories } from '../../lib/audit';
import { startFakeAws, type FakeAws } from '../fakes/aws/server';
import { startFakeAlibaba, DEFAULT_FAKE_ALI_CREDENTIALS } from '../fakes/alibaba/server';
import { exampleAwsEstate } from '../helpers/example-estate';
import { exampleAlibabaEstate } from '../helpers/alibaba-example-estate';
import { ACCOUNT as ESTATE_ACCOUNT } from '../helpers/aws-estate';
import { setAwsEnv } from '../helpers/aws-env';
import { ensureBundled, DIST } from './helpers/bundle';
import { cloudTrailEvent, fcTimerEvent, functionUrlEvent, scheduledEvent } from './fixtures/events';

jest.setTimeout(60_000);

type LambdaHandler = (event: unknown, context: unknown) => Promise<any>;

const lambdaContext = (fn: string) => ({
  awsRequestId: `req-${fn}`,
  functionName: fn,
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${ESTATE_ACCOUNT}:function:apigw-private-auditor-ci-${fn}`,
  getRemainingTimeInMillis: () => 60_000,
});

/** Captures what the bundle writes to stdout (its log lines) while `run` runs. */
async function capturingStdout<T>(run: () => Promise<T>): Promise<{ result: T; lines: Array<Record<string, unknown>> }> {
  const lines: Array<Record<string, unknown>> = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  });
  try {
    return { result: await run(), lines };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(() => ensureBundled());

describe('Lambda bundles against the fake AWS', () => {
  let fake: FakeAws;
  let restore: () => void;

  beforeAll(async () => {
    fake = await startFakeAws(exampleAwsEstate());
    restore = setAwsEnv({ AWS_ENDPOINT_URL: fake.url, APIGW_AUDIT_CONFIG: undefined, APIGW_AUDIT_REGIONS: undefined });
  });

  afterAll(async () => {
    restore();
    await fake.close();
  });

  it('scheduledScan finds what `apigw-audit scan` finds', async () => {
    const handler = (jest.requireActual(join(DIST, 'aws/scheduledScan.js')) as { handler: LambdaHandler }).handler;
    const { result, lines } = await capturingStdout(() => handler({ ...scheduledEvent, account: ESTATE_ACCOUNT }, lambdaContext('scheduledScan')));
    const expected = auditInventories([await collectAwsRegion({ region: 'us-east-1' })], {}, { startedAt: new Date().toISOString() });
    expect(result.summary.failures).toEqual([]);
    expect(result.status).toBe('complete');
    expect(result.summary.targets).toEqual([{ provider: 'aws', account: ESTATE_ACCOUNT, region: 'us-east-1' }]);
    expect(result.summary.findings).toBe(expected.findings.length);
    expect(result.summary.bySeverity).toEqual(expected.summary);
    expect(lines).toEqual([expect.objectContaining({ level: 'info', message: 'audit finished', function: 'scheduledScan' })]);
  });

  it('worker audits a fan-out job of its own account from an SQS record, and sends a malformed one back', async () => {
    const handler = (jest.requireActual(join(DIST, 'aws/worker.js')) as { handler: LambdaHandler }).handler;
    const record = (messageId: string, body: string) => ({ messageId, receiptHandle: `rh-${messageId}`, body, eventSource: 'aws:sqs', awsRegion: 'us-east-1' });
    const job = { v: 1, provider: 'aws', account: ESTATE_ACCOUNT, region: 'us-east-1', dispatchId: 'bundled-1' };
    const { result, lines } = await capturingStdout(() => handler({ Records: [record('m-job', JSON.stringify(job)), record('m-bad', '{}')] }, lambdaContext('worker')));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', message: 'job finished', function: 'worker', messageId: 'm-job', summary: expect.objectContaining({ failures: [], targets: [{ provider: 'aws', account: ESTATE_ACCOUNT, region: 'us-east-1' }] }) }),
      expect.objectContaining({ level: 'error', message: 'job message rejected', messageId: 'm-bad' }),
    ]);
  });

  it('onChange re-audits on a CloudTrail event and ignores a malformed one', async () => {
    const handler = (jest.requireActual(join(DIST, 'aws/onChange.js')) as { handler: LambdaHandler }).handler;
    const event = cloudTrailEvent('aws.ec2', { eventName: 'RevokeSecurityGroupEgress', requestParameters: { groupId: 'sg-0a1b2c3d4e5f60718' } }, { account: ESTATE_ACCOUNT });
    (event.detail as Record<string, unknown>).recipientAccountId = ESTATE_ACCOUNT;
    const { result } = await capturingStdout(() => handler(event, lambdaContext('onChange')));
    expect(result).toMatchObject({ status: 'complete', summary: { trigger: { source: 'cloudtrail', name: 'RevokeSecurityGroupEgress' } } });
    const { result: rejected, lines } = await capturingStdout(() => handler({ not: 'an event' }, lambdaContext('onChange')));
    expect(rejected).toMatchObject({ status: 'rejected' });
    expect(lines).toHaveLength(1);
  });

  it('onChange runs a scoped re-audit from the topology a scheduled scan stored (file state store)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bundle-state-'));
    const restoreConfig = setAwsEnv({ APIGW_AUDIT_CONFIG: JSON.stringify({ state: { type: 'file', path: join(dir, 'state.json') } }) });
    try {
      const scheduled = (jest.requireActual(join(DIST, 'aws/scheduledScan.js')) as { handler: LambdaHandler }).handler;
      const onChange = (jest.requireActual(join(DIST, 'aws/onChange.js')) as { handler: LambdaHandler }).handler;
      const { result: full } = await capturingStdout(() => scheduled({ ...scheduledEvent, account: ESTATE_ACCOUNT }, lambdaContext('scheduledScan')));
      expect(full).toMatchObject({ status: 'complete', summary: { mode: 'full', state: expect.stringMatching(/^file /) } });
      const event = cloudTrailEvent('aws.ec2', { eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { groupId: 'sg-alb', ipPermissions: {}, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/16' } }, { account: ESTATE_ACCOUNT });
      (event.detail as Record<string, unknown>).recipientAccountId = ESTATE_ACCOUNT;
      const { result } = await capturingStdout(() => onChange(event, lambdaContext('onChange')));
      expect(result).toMatchObject({ status: 'complete', summary: { mode: 'scoped', calls: 4, scope: [{ mode: 'scoped' }] } });
    } finally {
      restoreConfig();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('invoke answers a function URL request with the findings document', async () => {
    const handler = (jest.requireActual(join(DIST, 'aws/invoke.js')) as { handler: LambdaHandler }).handler;
    const { result } = await capturingStdout(() => handler(functionUrlEvent({ body: '{"output":"document"}' }), lambdaContext('invoke')));
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body as string) as { document: { scan: { targets: unknown[] }; findings: unknown[] } };
    expect(body.document.scan.targets).toEqual([{ provider: 'aws', account: ESTATE_ACCOUNT, region: 'us-east-1' }]);
    expect(body.document.findings.length).toBeGreaterThan(0);
  });
});

describe('Function Compute bundle against the fake Alibaba Cloud', () => {
  it('timer: Buffer event, context credentials, full audit', async () => {
    const estate = exampleAlibabaEstate();
    const credentials = { ...DEFAULT_FAKE_ALI_CREDENTIALS, securityToken: 'CAISbundletoken' };
    const fake = await startFakeAlibaba(estate, { credentials });
    const saved = { ...process.env };
    process.env.ALIBABA_CLOUD_ENDPOINT_URL = fake.url;
    for (const name of ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'APIGW_AUDIT_CONFIG', 'APIGW_AUDIT_REGIONS']) delete process.env[name];
    try {
      const bundle = jest.requireActual(join(DIST, 'alibaba/index.js')) as { timer: LambdaHandler };
      const context = { requestId: 'fc-1', region: estate.region, accountId: estate.account, credentials };
      const { result, lines } = await capturingStdout(() => bundle.timer(Buffer.from(JSON.stringify(fcTimerEvent)), context));
      expect(result).toMatchObject({ status: 'complete', summary: { targets: [{ provider: 'alibaba', account: estate.account, region: estate.region }] } });
      expect(result.summary.findings).toBeGreaterThan(0);
      expect(JSON.stringify(lines)).not.toContain('CAISbundletoken');
    } finally {
      process.env = saved;
      await fake.close();
    }
  });
});
