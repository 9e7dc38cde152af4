// middy 6 is ESM-only; Node 20 can require() it natively, jest's module registry cannot.
jest.mock('@middy/core', () => process.getBuiltinModule('node:module').createRequire(__filename)('@middy/core'));

/**
 * The AWS fan-out: `dispatch` (plan → SendMessageBatch onto the job queue) and `worker` (SQS
 * records → one audited (account, region) each, merged into the state store). Unit tests mock SQS
 * and Organizations (aws-sdk-client-mock) or inject the job collection; the end-to-end tests run
 * both handlers over HTTP: the fleet fake (Organizations, STS AssumeRole, the member accounts'
 * APIs), a loopback SQS and dynalite for the DynamoDB state store.
 */
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { captureLog, sqsRecord as jobRecord } from '../helpers/fanout-fixtures';
import { createDispatchHandler, type DispatchRuntime } from '../../functions/aws/dispatch';
import { createWorkerHandler, type BatchResponse, type WorkerRuntime } from '../../functions/aws/worker';
import { RetryableAuditError } from '../../functions/shared/failures';
import type { MemberAccount } from '../../lib/collect/members';
import type { JobCollection } from '../../lib/fanout/collect-job';
import { parseScanJob, type ScanJob } from '../../lib/fanout/types';
import { createStateTable, DynamoDbStateStore } from '../../lib/state/dynamodb-store';
import { InMemoryStateStore } from '../../lib/state/memory-store';
import { startFakeAwsFleet, type FakeAwsFleet, type FakeAwsFleetOptions } from '../fakes/aws/server';
import { startFakeSqs, type FakeSqs } from '../fakes/sinks/sqs';
import { setAwsEnv } from '../helpers/aws-env';
import { startDynalite, type Dynalite } from '../helpers/dynalite';
import { exampleAwsEstate } from '../helpers/example-estate';
import { rehomed } from '../helpers/fleet-estates';
import { ACCOUNT, scheduledEvent } from './fixtures/events';
import { awsEstate } from './helpers/runtime';

jest.setTimeout(60_000);

type Handler = (event: unknown, ctx: unknown) => Promise<unknown>;
const asHandler = (h: unknown) => h as Handler;
const context = (fn: string) => ({ awsRequestId: 'req-0001', functionName: fn, invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:apigw-private-auditor-dev-${fn}` });

const QUEUE_URL = `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/apigw-audit-jobs-dev`;
const ORG_CONFIG = 'targets:\n  - provider: aws\n    regions: [us-east-1, eu-west-1]\n    organization:\n      roleName: ApigwAuditorRead\n';
const DUMMY_CREDENTIALS = { accessKeyId: 'AKIDFANOUTTEST', secretAccessKey: 'fanout-test-secret-000000000000000000' };


function members(count: number, suspended: number[] = []): MemberAccount[] {
  return Array.from({ length: count }, (_, i) => {
    const status = suspended.includes(i) ? 'SUSPENDED' : 'ACTIVE';
    return { id: String(200_000_000_000 + i), status, active: status === 'ACTIVE' };
  });
}

function bodiesOf(entries: SendMessageBatchRequestEntry[] | undefined): ScanJob[] {
  return (entries ?? []).map((e) => {
    const job = parseScanJob(e.MessageBody);
    if ('error' in job) throw new Error(job.error);
    return job;
  });
}

// ---------------------------------------------------------------------------------------------
// dispatch, SQS and Organizations mocked

describe('dispatch', () => {
  const sqsMock = mockClient(SQSClient);
  const orgMock = mockClient(OrganizationsClient);
  beforeEach(() => {
    sqsMock.reset();
    orgMock.reset();
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => ({
      Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
      Failed: [],
    }));
  });
  afterAll(() => {
    sqsMock.restore();
    orgMock.restore();
  });

  function dispatchRuntime(env: NodeJS.ProcessEnv, over: Partial<DispatchRuntime> = {}) {
    const log = captureLog();
    const runtime: DispatchRuntime = {
      env: { AWS_REGION: 'us-east-1', APIGW_AUDIT_JOB_QUEUE_URL: QUEUE_URL, ...env },
      sqs: new SQSClient({ region: 'us-east-1', credentials: DUMMY_CREDENTIALS }),
      newId: () => 'direct-0001',
      sleep: async () => {},
      writeLog: log.writeLog,
      ...over,
    };
    return { runtime, ...log };
  }

  const sentBatches = () => sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);

  it('plans the organisation × regions and sends one message per job, at most 10 per SendMessageBatch, with one log line', async () => {
    const listMembers = jest.fn(async () => members(13, [4]));
    const t = dispatchRuntime({ APIGW_AUDIT_CONFIG: ORG_CONFIG }, { listMembers });
    const result = (await asHandler(createDispatchHandler(t.runtime))(scheduledEvent, context('dispatch'))) as Record<string, any>;

    expect(listMembers).toHaveBeenCalledTimes(1);
    const batches = sentBatches();
    expect(batches.map((b) => b.length)).toEqual([10, 10, 4]);
    expect(sqsMock.commandCalls(SendMessageBatchCommand).every((c) => c.args[0].input.QueueUrl === QUEUE_URL)).toBe(true);
    const jobs = batches.flatMap(bodiesOf);
    expect(jobs).toHaveLength(24);
    expect(new Set(jobs.map((j) => `${j.account}/${j.region}`)).size).toBe(24);
    const suspended = members(13)[4]!.id;
    expect(jobs.some((j) => j.account === suspended)).toBe(false);
    for (const job of jobs) {
      expect(job).toEqual({ v: 1, provider: 'aws', account: job.account, region: job.region, roleArn: `arn:aws:iam::${job.account}:role/ApigwAuditorRead`, dispatchId: `schedule-${scheduledEvent.id}` });
    }
    expect(result).toMatchObject({ status: 'dispatched', dispatchId: `schedule-${scheduledEvent.id}`, enqueued: 24, accounts: 12, regions: ['us-east-1', 'eu-west-1'] });
    expect(t.lines).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'dispatch finished',
        function: 'dispatch',
        jobs: 24,
        enqueued: 24,
        accounts: 12,
        regions: ['us-east-1', 'eu-west-1'],
        skipped: [{ account: suspended, reason: 'status SUSPENDED' }],
        dispatchId: `schedule-${scheduledEvent.id}`,
      }),
    ]);
  });

  it('gives a retry of the same schedule event the same dispatch id, hence the same jobs', async () => {
    const listMembers = async () => members(3);
    const first = dispatchRuntime({ APIGW_AUDIT_CONFIG: ORG_CONFIG }, { listMembers, newId: () => 'one' });
    const second = dispatchRuntime({ APIGW_AUDIT_CONFIG: ORG_CONFIG }, { listMembers, newId: () => 'two' });
    await asHandler(createDispatchHandler(first.runtime))(scheduledEvent, context('dispatch'));
    await asHandler(createDispatchHandler(second.runtime))(scheduledEvent, context('dispatch'));
    const [a, b] = sentBatches();
    expect(a!.map((e) => e.MessageBody)).toEqual(b!.map((e) => e.MessageBody));
  });

  it('without other accounts configured: one job per region for its own account, no Organizations call', async () => {
    const listMembers = jest.fn(async () => members(2));
    const t = dispatchRuntime({ APIGW_AUDIT_REGIONS: 'us-east-1,ap-southeast-2' }, { listMembers });
    const result = await asHandler(createDispatchHandler(t.runtime))(scheduledEvent, context('dispatch'));
    expect(listMembers).not.toHaveBeenCalled();
    expect(sentBatches().flatMap(bodiesOf)).toEqual([
      { v: 1, provider: 'aws', region: 'us-east-1', dispatchId: `schedule-${scheduledEvent.id}` },
      { v: 1, provider: 'aws', region: 'ap-southeast-2', dispatchId: `schedule-${scheduledEvent.id}` },
    ]);
    expect(result).toMatchObject({ status: 'dispatched', enqueued: 2, accounts: 1 });

    // Nothing configured at all: the function's own region.
    sqsMock.resetHistory();
    const bare = dispatchRuntime({});
    await asHandler(createDispatchHandler(bare.runtime))({}, context('dispatch'));
    expect(sentBatches().flatMap(bodiesOf)).toEqual([{ v: 1, provider: 'aws', region: 'us-east-1', dispatchId: 'direct-0001' }]);
  });

  it('a direct invoke names the regions; a malformed request is rejected without sending', async () => {
    const t = dispatchRuntime({ APIGW_AUDIT_CONFIG: ORG_CONFIG }, { listMembers: async () => members(2) });
    const handler = asHandler(createDispatchHandler(t.runtime));
    await handler({ regions: ['eu-west-1'] }, context('dispatch'));
    expect(sentBatches().flatMap(bodiesOf).map((j) => [j.account, j.region, j.dispatchId])).toEqual([
      [members(2)[0]!.id, 'eu-west-1', 'direct-0001'],
      [members(2)[1]!.id, 'eu-west-1', 'direct-0001'],
    ]);
    sqsMock.resetHistory();
    expect(await handler({ regions: ['nowhere'] }, context('dispatch'))).toMatchObject({ status: 'rejected', error: expect.stringContaining('"nowhere" is not an AWS region name') });
    expect(await handler({ accounts: ['1'] }, context('dispatch'))).toMatchObject({ status: 'rejected', error: expect.stringContaining('unknown field "accounts"') });
    expect(await handler({ source: 'aws.events', 'detail-type': 'Nope' }, context('dispatch'))).toMatchObject({ status: 'rejected' });
    expect(sentBatches()).toEqual([]);
  });

  it('sends again only the entries SQS failed, and succeeds when they go through', async () => {
    const attempts = new Map<string, number>();
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
      const failed = input.Entries.filter((e) => ['job-3', 'job-7'].includes(e.Id!) && (attempts.get(e.Id!) ?? 0) === 0);
      for (const e of input.Entries) attempts.set(e.Id!, (attempts.get(e.Id!) ?? 0) + 1);
      return {
        Successful: input.Entries.filter((e) => !failed.includes(e)).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
        Failed: failed.map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError' })),
      };
    });
    const t = dispatchRuntime({ APIGW_AUDIT_CONFIG: ORG_CONFIG }, { listMembers: async () => members(6) });
    const result = await asHandler(createDispatchHandler(t.runtime))(scheduledEvent, context('dispatch'));
    expect(sentBatches().map((b) => b.map((e) => e.Id))).toEqual([
      ['job-0', 'job-1', 'job-2', 'job-3', 'job-4', 'job-5', 'job-6', 'job-7', 'job-8', 'job-9'],
      ['job-3', 'job-7'],
      ['job-10', 'job-11'],
    ]);
    expect(result).toMatchObject({ status: 'dispatched', enqueued: 12 });
    expect(t.lines).toEqual([expect.objectContaining({ message: 'dispatch finished', enqueued: 12, sendCalls: 3 })]);
  });

  it('entries that keep failing make the whole dispatch retryable (thrown, one error line)', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => ({
      Successful: input.Entries.filter((e) => e.Id !== 'job-1').map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
      Failed: input.Entries.filter((e) => e.Id === 'job-1').map((e) => ({ Id: e.Id, SenderFault: false, Code: 'ServiceUnavailable' })),
    }));
    const t = dispatchRuntime({ APIGW_AUDIT_CONFIG: ORG_CONFIG }, { listMembers: async () => members(2) });
    await expect(asHandler(createDispatchHandler(t.runtime))(scheduledEvent, context('dispatch'))).rejects.toBeInstanceOf(RetryableAuditError);
    // The first send, then job-1 alone twice more.
    expect(sentBatches().map((b) => b.length)).toEqual([4, 1, 1]);
    expect(t.lines).toEqual([
      expect.objectContaining({ level: 'error', message: 'run failed, the platform will retry', failure: 'transient', retry: true, enqueued: 3, error: expect.stringContaining('failed 1 of 4 job message(s) after 3 attempts (ServiceUnavailable)') }),
    ]);
  });

  it('entries SQS refuses as the sender\'s fault are not sent again and not retried', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => ({
      Successful: input.Entries.slice(1).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
      Failed: [{ Id: input.Entries[0]!.Id, SenderFault: true, Code: 'InvalidMessageContents' }],
    }));
    const t = dispatchRuntime({ APIGW_AUDIT_CONFIG: ORG_CONFIG }, { listMembers: async () => members(1) });
    const result = await asHandler(createDispatchHandler(t.runtime))(scheduledEvent, context('dispatch'));
    expect(result).toMatchObject({ status: 'failed', failure: 'internal', error: expect.stringContaining('refused 1 of 2 job message(s) as invalid (InvalidMessageContents)') });
    expect(sentBatches()).toHaveLength(1);
    expect(t.lines).toEqual([expect.objectContaining({ level: 'error', message: 'run failed, not retried', retry: false })]);
  });

  it.each([
    ['AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.', /not in an organisation/],
    ['AccessDeniedException', 'You don\'t have permissions to access this resource.', /management account/],
  ])('Organizations %s is a configuration failure: logged, not retried, nothing sent', async (name, message, hint) => {
    orgMock.on(ListAccountsCommand).rejects(Object.assign(new Error(message), { name }));
    const t = dispatchRuntime({ APIGW_AUDIT_CONFIG: ORG_CONFIG });
    const result = await asHandler(createDispatchHandler(t.runtime))(scheduledEvent, context('dispatch'));
    expect(result).toMatchObject({ status: 'failed', failure: 'configuration', error: expect.stringMatching(hint) });
    expect((result as { error: string }).error).toContain(`organizations:ListAccounts failed (${name}`);
    expect(sentBatches()).toEqual([]);
    expect(t.lines).toEqual([expect.objectContaining({ level: 'error', message: 'run failed, not retried', failure: 'configuration', retry: false })]);
  });

  it('a throttled Organizations is retried by the platform', async () => {
    orgMock.on(ListAccountsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException', $metadata: { attempts: 5 } }));
    const t = dispatchRuntime({ APIGW_AUDIT_CONFIG: ORG_CONFIG });
    await expect(asHandler(createDispatchHandler(t.runtime))(scheduledEvent, context('dispatch'))).rejects.toBeInstanceOf(RetryableAuditError);
    expect(t.lines).toEqual([expect.objectContaining({ level: 'error', message: 'run failed, the platform will retry' })]);
  });

  it('without a job queue the deployment is incomplete: configuration failure', async () => {
    const t = dispatchRuntime({ APIGW_AUDIT_JOB_QUEUE_URL: '' });
    expect(await asHandler(createDispatchHandler(t.runtime))(scheduledEvent, context('dispatch'))).toMatchObject({
      status: 'failed',
      failure: 'configuration',
      error: expect.stringContaining('APIGW_AUDIT_JOB_QUEUE_URL is not set'),
    });
  });
});

// ---------------------------------------------------------------------------------------------
// worker, the job collection injected

const sqsRecord = (messageId: string, body: string) => jobRecord(messageId, body, `arn:aws:sqs:us-east-1:${ACCOUNT}:apigw-audit-jobs-dev`);

const MEMBER = '444455556666';
const job = (over: Partial<ScanJob> = {}): ScanJob => ({ v: 1, provider: 'aws', account: MEMBER, region: 'eu-west-1', roleArn: `arn:aws:iam::${MEMBER}:role/ApigwAuditorRead`, dispatchId: 'schedule-1', ...over });

describe('worker', () => {
  function workerRuntime(collect: (j: ScanJob) => Promise<JobCollection>, env: NodeJS.ProcessEnv = {}, store = new InMemoryStateStore()) {
    const log = captureLog();
    const runtime: WorkerRuntime = {
      env: { AWS_REGION: 'us-east-1', ...env },
      audit: { store },
      collect: (j) => collect(j),
      now: () => new Date('2026-11-21T12:00:00.000Z'),
      writeLog: log.writeLog,
    };
    return { runtime, store, ...log };
  }
  const collected = async (j: ScanJob): Promise<JobCollection> => ({ ok: true, inventory: awsEstate(j.account!, j.region), accountFromJob: false });

  it('audits each job into the state store, one line per job; a malformed message goes back (to the DLQ), its body never logged', async () => {
    const t = workerRuntime(collected);
    const secretish = '{"v":1,"provider":"aws","region":"eu-west-1","dispatchId":"d","password":"hunter2-do-not-log"}';
    const out = (await asHandler(createWorkerHandler(t.runtime))(
      { Records: [sqsRecord('m-ok', JSON.stringify(job())), sqsRecord('m-bad', secretish), sqsRecord('m-notjson', 'hello')] },
      context('worker'),
    )) as BatchResponse;
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }, { itemIdentifier: 'm-notjson' }] });
    expect(t.lines.map((l) => [l.level, l.message, l.messageId])).toEqual([
      ['info', 'job finished', 'm-ok'],
      ['error', 'job message rejected', 'm-bad'],
      ['error', 'job message rejected', 'm-notjson'],
    ]);
    expect(t.lines[0]).toMatchObject({ function: 'worker', job: { account: MEMBER, region: 'eu-west-1', dispatchId: 'schedule-1' }, summary: { targets: [{ provider: 'aws', account: MEMBER, region: 'eu-west-1' }] } });
    expect(t.lines[0]!.summary.new).toBeGreaterThan(0);
    expect(t.lines[1]!.error).toMatch(/^job message/);
    expect(t.raw.join('\n')).not.toContain('hunter2');
    expect(JSON.stringify(t.lines[0])).not.toContain('roleArn');
    const records = await t.store.load([{ provider: 'aws', account: MEMBER, region: 'eu-west-1' }]);
    expect(records.length).toBe(t.lines[0]!.summary.new);
  });

  it('rejects a job of another cloud like a malformed message', async () => {
    const t = workerRuntime(collected);
    const alibaba = { v: 1, provider: 'alibaba', account: '1234567890', region: 'cn-hangzhou', dispatchId: 'd' };
    const out = await asHandler(createWorkerHandler(t.runtime))({ Records: [sqsRecord('m-ali', JSON.stringify(alibaba))] }, context('worker'));
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-ali' }] });
    expect(t.lines).toEqual([expect.objectContaining({ level: 'error', message: 'job message rejected', error: expect.stringContaining('"alibaba" jobs are not run on AWS') })]);
  });

  it('a refused role is an incomplete job: logged as an error with the job, not retried, the state untouched', async () => {
    const t = workerRuntime(async (j) => ({
      ok: false,
      failure: { job: j, operation: 'sts:AssumeRole', error: `AccessDenied: User: arn:aws:sts::${ACCOUNT}:assumed-role/x/y is not authorized to perform: sts:AssumeRole`, transient: false },
    }));
    const out = await asHandler(createWorkerHandler(t.runtime))({ Records: [sqsRecord('m-1', JSON.stringify(job()))] }, context('worker'));
    expect(out).toEqual({ batchItemFailures: [] });
    expect(t.lines).toEqual([
      expect.objectContaining({ level: 'error', message: 'job not audited', messageId: 'm-1', job: { account: MEMBER, region: 'eu-west-1', dispatchId: 'schedule-1' }, operation: 'sts:AssumeRole', error: expect.stringMatching(/^AccessDenied/), retry: false }),
    ]);
    expect(await t.store.load([{ provider: 'aws', account: MEMBER, region: 'eu-west-1' }])).toEqual([]);
  });

  it('a transient failure puts the record back (batchItemFailures), the others of the batch are done', async () => {
    const t = workerRuntime(async (j) =>
      j.region === 'us-east-1' ? { ok: false, failure: { job: j, operation: 'sts:AssumeRole', error: 'Throttling: Rate exceeded', transient: true } } : collected(j),
    );
    const out = await asHandler(createWorkerHandler(t.runtime))(
      { Records: [sqsRecord('m-east', JSON.stringify(job({ region: 'us-east-1' }))), sqsRecord('m-west', JSON.stringify(job()))] },
      context('worker'),
    );
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-east' }] });
    expect(t.lines.map((l) => [l.level, l.message, l.messageId])).toEqual([
      ['warn', 'job failed, will be retried', 'm-east'],
      ['info', 'job finished', 'm-west'],
    ]);
  });

  it('a redelivered job reports under the same scan id and records nothing new', async () => {
    const t = workerRuntime(collected);
    const handler = asHandler(createWorkerHandler(t.runtime));
    await handler({ Records: [sqsRecord('m-1', JSON.stringify(job()))] }, context('worker'));
    await handler({ Records: [sqsRecord('m-1', JSON.stringify(job()))] }, context('worker'));
    const [first, second] = t.lines;
    expect(second!.summary.scanId).toBe(first!.summary.scanId);
    expect(first!.summary.new).toBeGreaterThan(0);
    expect(second!.summary.new).toBe(0);
  });

  it('a bad configuration puts every record back once, with one error line', async () => {
    const t = workerRuntime(collected, { APIGW_AUDIT_CONFIG: 'rules: { only: [NO-SUCH-RULE] }' });
    const out = await asHandler(createWorkerHandler(t.runtime))({ Records: [sqsRecord('m-1', JSON.stringify(job())), sqsRecord('m-2', JSON.stringify(job()))] }, context('worker'));
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] });
    expect(t.lines).toEqual([expect.objectContaining({ level: 'error', message: 'configuration failed, jobs not run', failure: 'configuration', messages: 2 })]);
  });

  it('an event that is not from SQS is rejected with nothing to report', async () => {
    const t = workerRuntime(collected);
    expect(await asHandler(createWorkerHandler(t.runtime))({ hello: 'world' }, context('worker'))).toEqual({ batchItemFailures: [] });
    expect(t.lines).toEqual([expect.objectContaining({ level: 'warn', message: 'event rejected' })]);
  });
});

// ---------------------------------------------------------------------------------------------
// end to end over HTTP: fleet fake (Organizations, STS, member accounts), loopback SQS, dynalite

describe('fan-out end to end (dispatch → SQS → worker → DynamoDB state)', () => {
  const MANAGEMENT = '100000000000';
  const READABLE = '100000000001';
  const DENIED = '100000000002';
  const SUSPENDED = '100000000003';
  const REGIONS = ['us-east-1', 'eu-west-1'];
  const TABLE = 'apigw-audit-state';
  const QUEUE = 'apigw-audit-jobs-ci';
  const CONFIG = `${ORG_CONFIG}state:\n  type: dynamodb\n  table: ${TABLE}\n`;

  let dynalite: Dynalite;
  let sqs: FakeSqs;
  let fleet: FakeAwsFleet | undefined;
  let restoreEnv: (() => void) | undefined;

  beforeAll(async () => {
    dynalite = await startDynalite();
    await createStateTable(dynalite.client(), TABLE);
    sqs = await startFakeSqs();
  });
  afterEach(async () => {
    restoreEnv?.();
    restoreEnv = undefined;
    await fleet?.close();
    fleet = undefined;
  });
  afterAll(async () => {
    await sqs.close();
    await dynalite.stop();
  });

  async function startFleet(over: Partial<FakeAwsFleetOptions> = {}): Promise<FakeAwsFleet> {
    fleet = await startFakeAwsFleet({
      estates: [MANAGEMENT, READABLE].flatMap((account) => REGIONS.map((region) => rehomed(exampleAwsEstate(), account, region))),
      callerAccount: MANAGEMENT,
      deniedAssume: [DENIED],
      organization: {
        managementAccount: MANAGEMENT,
        accounts: [
          { id: MANAGEMENT, name: 'management' },
          { id: READABLE, name: 'member-readable' },
          { id: DENIED, name: 'member-denying' },
          { id: SUSPENDED, name: 'member-suspended', state: 'SUSPENDED' },
        ],
      },
      ...over,
    });
    restoreEnv = setAwsEnv({ AWS_ENDPOINT_URL: fleet.url, AWS_ACCESS_KEY_ID: 'AKIDWIRETEST', AWS_REGION: 'us-east-1' });
    return fleet;
  }

  function dispatcher() {
    const log = captureLog();
    const runtime: DispatchRuntime = {
      env: { AWS_REGION: 'us-east-1', APIGW_AUDIT_CONFIG: CONFIG, APIGW_AUDIT_JOB_QUEUE_URL: sqs.queueUrl(QUEUE) },
      sqs: new SQSClient({ region: 'us-east-1', endpoint: sqs.url, credentials: DUMMY_CREDENTIALS }),
      writeLog: log.writeLog,
    };
    return { handler: asHandler(createDispatchHandler(runtime)), ...log };
  }

  function worker() {
    const log = captureLog();
    const runtime: WorkerRuntime = { env: { AWS_REGION: 'us-east-1', APIGW_AUDIT_CONFIG: CONFIG }, audit: { state: { dynamoDbClient: dynalite.client() } }, writeLog: log.writeLog };
    return { handler: asHandler(createWorkerHandler(runtime)), ...log };
  }

  /** Receives every waiting job message and hands each to the worker as its own SQS event (batch size 1). */
  async function work(w: ReturnType<typeof worker>): Promise<string[]> {
    const waiting = (sqs.messages.get(QUEUE) ?? []).filter((m) => !m.received);
    const failures: string[] = [];
    for (const message of waiting) {
      message.received = true;
      const out = (await w.handler({ Records: [sqsRecord(message.MessageId, message.Body)] }, context('worker'))) as BatchResponse;
      failures.push(...out.batchItemFailures.map((f) => f.itemIdentifier));
    }
    return failures;
  }

  const store = () => new DynamoDbStateStore(TABLE, { client: dynalite.client() });
  const targets = (account: string) => REGIONS.map((region) => ({ provider: 'aws' as const, account, region }));

  it('audits every readable member × region, skips the suspended one, logs the refused one; a second cycle finds nothing new', async () => {
    await startFleet();
    const d = dispatcher();
    const dispatched = (await d.handler(scheduledEvent, context('dispatch'))) as Record<string, any>;
    expect(dispatched).toMatchObject({ status: 'dispatched', enqueued: 6, accounts: 3, skipped: [{ provider: 'aws', account: SUSPENDED, reason: 'status SUSPENDED' }] });
    expect(d.lines).toEqual([expect.objectContaining({ message: 'dispatch finished', jobs: 6, skipped: [{ account: SUSPENDED, reason: 'status SUSPENDED' }] })]);
    expect(fleet!.calls['organizations:ListAccounts']).toBe(1);
    const messages = sqs.messages.get(QUEUE)!;
    expect(messages).toHaveLength(6);
    expect(messages.map((m) => (parseScanJob(m.Body) as ScanJob).account).sort()).toEqual([MANAGEMENT, MANAGEMENT, READABLE, READABLE, DENIED, DENIED]);

    const w = worker();
    expect(await work(w)).toEqual([]);
    for (const account of [MANAGEMENT, READABLE]) {
      for (const target of targets(account)) {
        const records = await store().load([target]);
        expect({ target, records: records.length }).toEqual({ target, records: expect.any(Number) });
        expect(records.length).toBeGreaterThan(0);
        expect(records.every((r) => r.finding.account === account && r.finding.region === target.region)).toBe(true);
      }
    }
    expect(await store().load(targets(DENIED))).toEqual([]);
    expect(await store().load(targets(SUSPENDED))).toEqual([]);

    const finished = w.lines.filter((l) => l.message === 'job finished');
    expect(finished).toHaveLength(4);
    expect(finished.every((l) => l.summary.new > 0)).toBe(true);
    const refused = w.lines.filter((l) => l.message === 'job not audited');
    expect(refused.map((l) => [l.level, l.job.account, l.operation, l.retry])).toEqual([
      ['error', DENIED, 'sts:AssumeRole', false],
      ['error', DENIED, 'sts:AssumeRole', false],
    ]);
    for (const l of refused) expect(l.error).toMatch(/AccessDenied/);
    expect(w.lines).toHaveLength(6);
    expect(fleet!.assumedByAccount[DENIED] ?? 0).toBe(0);
    const recordsAfterFirst = (await store().load([...targets(MANAGEMENT), ...targets(READABLE)])).length;

    // The next schedule: a new dispatch id, the same accounts; everything already recorded stays open.
    const next = dispatcher();
    await next.handler({ ...scheduledEvent, id: 'a7f0c2b4-0000-4000-8000-000000000002', time: '2024-08-01T18:00:00Z' }, context('dispatch'));
    const w2 = worker();
    expect(await work(w2)).toEqual([]);
    const again = w2.lines.filter((l) => l.message === 'job finished');
    expect(again).toHaveLength(4);
    expect(again.map((l) => l.summary.new)).toEqual([0, 0, 0, 0]);
    expect(again.every((l) => l.summary.findings > 0)).toBe(true);
    expect((await store().load([...targets(MANAGEMENT), ...targets(READABLE)])).length).toBe(recordsAfterFirst);
  });

  it('a throttled AssumeRole puts the job back on the queue (its message id in batchItemFailures)', async () => {
    await startFleet({ faults: [{ operation: 'sts:AssumeRole', kind: 'throttle', match: (params) => String(params.RoleArn).includes(`::${READABLE}:`) }] });
    const w = worker();
    const message = JSON.stringify(job({ account: READABLE, region: 'eu-west-1', roleArn: `arn:aws:iam::${READABLE}:role/ApigwAuditorRead`, dispatchId: 'throttled' }));
    const out = await w.handler({ Records: [sqsRecord('m-throttled', message)] }, context('worker'));
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-throttled' }] });
    expect(w.lines).toEqual([expect.objectContaining({ level: 'warn', message: 'job failed, will be retried', messageId: 'm-throttled', retry: true })]);
    expect(fleet!.throttled).toBeGreaterThan(0);
    expect(fleet!.assumedByAccount[READABLE] ?? 0).toBe(0);
  });
});
