/**
 * Fan-out on Function Compute (functions/alibaba/fanout.ts): the MNS trigger's events (a batch
 * array of CloudEvents, a single event, RawData, base64 bodies, malformed messages), the
 * dispatcher's batching against the loopback MNS (which verifies signatures), and end to end over
 * HTTP — Resource Directory ListAccounts → MNS jobs → worker events → STS AssumeRole per member →
 * collection → OSS state — against the loopback fleet, MNS and OSS fakes.
 */
import { alibabaEstateFor, captureLog, mnsEvent as queueEvent } from '../helpers/fanout-fixtures';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDispatchHandler, createWorkerHandler, defaultFanoutRuntime, type FanoutRuntime, type JobQueue } from '../../functions/alibaba/fanout';
import type { FcContext } from '../../functions/alibaba/index';
import { RetryableAuditError } from '../../functions/shared/failures';
import type { JobCollection } from '../../lib/fanout/collect-job';
import { parseDispatchEvent, parseMnsJobEvent } from '../../lib/fanout/fc-events';
import type { ScanJob } from '../../lib/fanout/types';
import { MnsQueueClient } from '../../lib/sinks/mns';
import { InMemoryStateStore } from '../../lib/state/memory-store';
import { OssStateStore } from '../../lib/state/oss-store';
import { startFakeAlibabaFleet, type FakeAlibabaFleet } from '../fakes/alibaba/fleet';
import { DEFAULT_FAKE_ALI_CREDENTIALS } from '../fakes/alibaba/server';
import { startFakeOss, type FakeOss } from '../fakes/oss/server';
import { startFakeMns, type FakeMns } from '../fakes/sinks/mns';
import { asBuffer } from './fixtures/events';

jest.setTimeout(60_000);

const HZ = 'cn-hangzhou';
const SH = 'cn-shanghai';
const MANAGEMENT = '1000000000000001';
const MEMBER_OK = '1000000000000101';
const MEMBER_VERIFYING = '1000000000000102';
const MEMBER_DENIED = '1000000000000103';
const ROLE = 'ApigwAuditorRead';
const QUEUE = 'apigw-audit-jobs';
const NOW = new Date('2026-11-21T12:00:00.000Z');

const STS = { accessKeyId: 'STS.NUexampleKeyId', accessKeySecret: 'exampleSecretValue0000', securityToken: 'CAISexampleSecurityToken' };

function fcContext(overrides: Partial<FcContext> = {}): FcContext {
  return { requestId: 'fc-req-0001', region: HZ, accountId: MANAGEMENT, credentials: { ...STS }, function: { name: 'apigw-auditor-worker' }, ...overrides };
}

function job(account: string, region: string, extra: Partial<ScanJob> = {}): ScanJob {
  return { v: 1, provider: 'alibaba', account, region, roleArn: `acs:ram::${account}:role/${ROLE}`, dispatchId: 'fanout@2026-11-21T12:00:00Z', ...extra };
}

const mnsEvent = (body: string, n: number, queue = QUEUE) => queueEvent(body, n, { region: HZ, account: MANAGEMENT, name: queue });

const findingEstate = alibabaEstateFor;

const capture = captureLog;

describe('the MNS trigger event', () => {
  const a = job(MEMBER_OK, HZ);
  const b = job(MEMBER_OK, SH);

  it('a batch array of CloudEvents: one job per message, with its message id', () => {
    const parsed = parseMnsJobEvent(asBuffer([mnsEvent(JSON.stringify(a), 1), mnsEvent(JSON.stringify(b), 2)]));
    expect(parsed).toEqual({
      messages: [
        { job: a, messageId: 'C6DB60D1574661357FA2272774000001' },
        { job: b, messageId: 'C6DB60D1574661357FA2272774000002' },
      ],
    });
  });

  it('a single event object, a RawData element, and a body still base64-encoded (IsBase64Decode off)', () => {
    expect(parseMnsJobEvent(asBuffer(mnsEvent(JSON.stringify(a), 1)))).toEqual({ messages: [{ job: a, messageId: 'C6DB60D1574661357FA2272774000001' }] });
    expect(parseMnsJobEvent(asBuffer([{ requestId: 'r1', messageId: 'm1', messageBody: JSON.stringify(b) }]))).toEqual({ messages: [{ job: b, messageId: 'm1' }] });
    const encoded = Buffer.from(JSON.stringify(a), 'utf8').toString('base64');
    expect(parseMnsJobEvent(asBuffer([mnsEvent(encoded, 3)]))).toEqual({ messages: [{ job: a, messageId: 'C6DB60D1574661357FA2272774000003' }] });
  });

  it('each malformed message is one rejection saying where; the others still parse', () => {
    const parsed = parseMnsJobEvent(
      asBuffer([
        mnsEvent('hello', 1),
        mnsEvent(JSON.stringify({ ...a, region: 'Hangzhou' }), 2),
        mnsEvent(JSON.stringify({ ...a, extra: true }), 3),
        { ...mnsEvent(JSON.stringify(a), 4), type: 'oss:ObjectCreated:PutObject' },
        { ...mnsEvent(JSON.stringify(a), 5), data: { messageId: 'x' } },
        42,
        mnsEvent(JSON.stringify(b), 7),
      ]),
    );
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.messages.map((m) => ('error' in m ? m.error : 'ok'))).toEqual([
      'MNS job event: [0].data.messageBody: not a JSON job (nor base64 of one)',
      'MNS job event: [1].data.messageBody.region: must be a region name',
      expect.stringMatching(/^MNS job event: \[2\]\.data\.messageBody: Unrecognized key/),
      'MNS job event: [3].type: "oss:ObjectCreated:PutObject" is not an MNS queue message',
      'MNS job event: [4].data.messageBody: missing (expected the job as JSON text)',
      'MNS job event: [5]: expected an object, got a number',
      'ok',
    ]);
    expect(parseMnsJobEvent(Buffer.from('[]'))).toEqual({ error: 'MNS job event: (root): an empty batch' });
    expect(parseMnsJobEvent(Buffer.from('not json'))).toMatchObject({ error: expect.stringMatching(/^MNS job event: \(root\): not valid JSON/) });
  });
});

describe('the dispatcher event', () => {
  it('a timer tick with the fan-out payload; the dispatch id comes from the trigger name and time', () => {
    const tick = { triggerTime: '2026-11-21T12:00:00Z', triggerName: 'fanout', payload: '{"mode":"fanout"}' };
    expect(parseDispatchEvent(asBuffer(tick))).toEqual({ dispatchId: 'fanout@2026-11-21T12:00:00Z', trigger: { source: 'fc-timer', name: 'fanout', time: '2026-11-21T12:00:00Z' } });
    expect(parseDispatchEvent(asBuffer({ ...tick, payload: '{"mode":"fanout","regions":["cn-shanghai"]}' }))).toMatchObject({ regions: ['cn-shanghai'] });
    expect(parseDispatchEvent(asBuffer({ mode: 'fanout' }))).toEqual({ trigger: { source: 'invoke' } });
    expect(parseDispatchEvent(Buffer.alloc(0))).toEqual({ trigger: { source: 'invoke' } });
    expect(parseDispatchEvent(asBuffer({ ...tick, payload: '{"mode":"full"}' }))).toMatchObject({ error: expect.stringMatching(/^dispatch event: payload\.mode:/) });
    expect(parseDispatchEvent(asBuffer({ ...tick, payload: '{"mode":"fanout","regions":["mars-1"]}' }))).toMatchObject({ error: expect.stringContaining('region') });
  });
});

describe('worker', () => {
  function workerRuntime(collect: (job: ScanJob) => Promise<JobCollection>, store = new InMemoryStateStore()) {
    const log = capture();
    const runtime: FanoutRuntime = {
      env: {},
      collect: async (j) => collect(j),
      collectOptions: () => ({}),
      audit: () => ({ store }),
      now: () => NOW,
      writeLog: log.writeLog,
    };
    return { runtime, store, ...log };
  }
  const ok = async (j: ScanJob): Promise<JobCollection> => ({ ok: true, inventory: findingEstate(j.account!, j.region), accountFromJob: false });

  it('runs each job of a batch into the state store; a malformed message is one line and is not retried', async () => {
    const w = workerRuntime(ok);
    const result = await createWorkerHandler(w.runtime)(asBuffer([mnsEvent(JSON.stringify(job(MEMBER_OK, HZ)), 1), mnsEvent('{"v":2}', 2), mnsEvent(JSON.stringify(job(MEMBER_OK, SH)), 3)]), fcContext());
    expect(result).toMatchObject({ status: 'done', rejected: 1 });
    expect(result.jobs.map((j) => [j.job, j.status])).toEqual([
      [`alibaba ${MEMBER_OK} ${HZ}`, 'complete'],
      [`alibaba ${MEMBER_OK} ${SH}`, 'complete'],
    ]);
    expect(result.jobs.every((j) => j.findings > 0)).toBe(true);
    // The scan id derives from the job: a redelivery reports under the same id.
    const again = await createWorkerHandler(w.runtime)(asBuffer(mnsEvent(JSON.stringify(job(MEMBER_OK, HZ)), 9)), fcContext());
    expect(again.jobs[0]!.scanId).toBe(result.jobs[0]!.scanId);
    expect(w.lines.map((l) => `${l.level} ${l.message}`)).toEqual(['warn job message rejected', 'info job finished', 'info job finished', 'info job finished']);
    expect(w.lines[0]).toMatchObject({ function: 'worker', messageId: 'C6DB60D1574661357FA2272774000002', error: expect.stringMatching(/^MNS job event: \[1\]\.data\.messageBody\.v:/) });
    expect((await w.store.load([{ provider: 'alibaba', account: MEMBER_OK, region: SH }])).length).toBeGreaterThan(0);
    expect(w.raw.join('\n')).not.toMatch(/STS\.NU|exampleSecret|CAISexample/);
  });

  it('a role that refuses: one error line, nothing recorded, not retried; a transient failure throws', async () => {
    const denied = workerRuntime(async (j) => ({ ok: false, failure: { job: j, operation: 'sts:AssumeRole', error: 'NoPermission: You are not authorized to do this action.', transient: false } }));
    const result = await createWorkerHandler(denied.runtime)(asBuffer([mnsEvent(JSON.stringify(job(MEMBER_DENIED, HZ)), 1)]), fcContext());
    expect(result.jobs).toEqual([expect.objectContaining({ status: 'incomplete', findings: 0 })]);
    expect(denied.lines).toEqual([expect.objectContaining({ level: 'error', message: 'job not audited', job: `alibaba ${MEMBER_DENIED} ${HZ}` })]);
    expect(JSON.stringify(denied.lines[0]!.failures)).toMatch(/sts:AssumeRole: NoPermission/);
    expect(await denied.store.load([{ provider: 'alibaba', account: MEMBER_DENIED, region: HZ }])).toEqual([]);

    const throttled = workerRuntime(async (j) => ({ ok: false, failure: { job: j, operation: 'sts:AssumeRole', error: 'Throttling.User: Request was denied due to user flow control.', transient: true } }));
    await expect(createWorkerHandler(throttled.runtime)(asBuffer([mnsEvent(JSON.stringify(job(MEMBER_OK, HZ)), 1)]), fcContext())).rejects.toBeInstanceOf(RetryableAuditError);
    expect(throttled.lines.map((l) => `${l.level} ${l.message}`)).toEqual(['warn job failed, will be retried', 'error run failed, the platform will retry']);
  });

  it('an event that is not a batch of jobs at all is rejected once, never thrown', async () => {
    const w = workerRuntime(ok);
    expect(await createWorkerHandler(w.runtime)(Buffer.from('tick'), fcContext())).toMatchObject({ status: 'rejected', rejected: 1 });
    expect(await createWorkerHandler(w.runtime)(asBuffer([mnsEvent(JSON.stringify({ ...job(MEMBER_OK, HZ), provider: 'aws', roleArn: undefined }), 1)]), fcContext())).toMatchObject({
      status: 'rejected',
      rejected: 1,
    });
    expect(w.lines.map((l) => l.message)).toEqual(['event rejected', 'job message rejected']);
  });
});

describe('dispatcher → loopback MNS', () => {
  const accounts = Array.from({ length: 20 }, (_, i) => `10000000000002${String(i).padStart(2, '0')}`);
  const config = JSON.stringify({ targets: [{ provider: 'alibaba', regions: [HZ, SH], accounts: accounts.map((id) => ({ id, roleArn: `acs:ram::${id}:role/${ROLE}` })) }] });
  const tick = asBuffer({ triggerTime: '2026-11-21T12:00:00Z', triggerName: 'fanout', payload: '{"mode":"fanout"}' });
  let mns: FakeMns | undefined;

  afterEach(async () => {
    await mns?.close();
    mns = undefined;
  });

  function dispatcher(fake: FakeMns, env: NodeJS.ProcessEnv = {}) {
    const log = capture();
    const runtime: FanoutRuntime = {
      env: { APIGW_AUDIT_CONFIG: config, APIGW_AUDIT_JOB_QUEUE: QUEUE, APIGW_AUDIT_MNS_ENDPOINT: fake.url, ...env },
      jobQueue: (target, context): JobQueue =>
        new MnsQueueClient({ ...target, credentials: { getCredentials: async () => ({ ...(context.credentials as typeof STS) }) }, runtime: { sleep: async () => undefined } }),
      now: () => new Date(),
      writeLog: log.writeLog,
    };
    return { handler: createDispatchHandler(runtime), ...log };
  }

  it('40 jobs in BatchSendMessage requests of at most 16, signed with the STS credentials', async () => {
    mns = await startFakeMns({ ...STS, queues: [QUEUE] });
    const d = dispatcher(mns);
    const result = await d.handler(tick, fcContext());
    expect(result).toEqual({ status: 'dispatched', dispatchId: 'fanout@2026-11-21T12:00:00Z', jobs: 40, skipped: [] });
    expect(mns.requests.map((r) => r.messageCount)).toEqual([16, 16, 8]);
    expect(mns.requests.every((r) => r.signatureValid && r.status === 201)).toBe(true);
    const bodies = mns.messages.get(QUEUE)!.map((b) => JSON.parse(b) as ScanJob);
    expect(new Set(bodies.map((b) => `${b.account}/${b.region}`)).size).toBe(40);
    expect(bodies[0]).toEqual({ v: 1, provider: 'alibaba', account: accounts[0], region: HZ, roleArn: `acs:ram::${accounts[0]}:role/${ROLE}`, dispatchId: 'fanout@2026-11-21T12:00:00Z' });
    expect(d.lines).toEqual([expect.objectContaining({ level: 'info', message: 'dispatch finished', jobs: 40, accounts: 20, regions: [HZ, SH], queue: QUEUE })]);
    expect(d.raw.join('\n')).not.toMatch(/exampleSecret|CAISexample/);
  });

  it('retries failed entries; entries still failing make FC retry the invocation; a missing queue is not retried', async () => {
    // Two messages fail once each (retried alone), one fails every time.
    const key = (body: string) => {
      const j = JSON.parse(body) as ScanJob;
      return `${j.account}/${j.region}`;
    };
    const flaky = new Set([`${accounts[3]}/${HZ}`, `${accounts[7]}/${SH}`]);
    mns = await startFakeMns({
      ...STS,
      queues: [QUEUE],
      messageFailure: (body, attempt) =>
        (flaky.has(key(body)) && attempt === 1) || key(body) === `${accounts[11]}/${HZ}` ? { ErrorCode: 'InternalError', ErrorMessage: 'Internal error.' } : undefined,
    });
    const d = dispatcher(mns);
    await expect(d.handler(tick, fcContext())).rejects.toThrow('1 of 40 jobs not enqueued');
    expect(mns.messages.get(QUEUE)!).toHaveLength(39);
    expect(d.lines).toEqual([expect.objectContaining({ level: 'error', message: 'run failed, the platform will retry', failure: 'transient', failed: [expect.objectContaining({ job: `alibaba ${accounts[11]} ${HZ}`, retryable: true })] })]);

    const missing = dispatcher(mns, { APIGW_AUDIT_JOB_QUEUE: 'no-such-queue' });
    expect(await missing.handler(tick, fcContext())).toMatchObject({ status: 'failed', error: '40 of 40 jobs not enqueued' });
    expect(missing.lines).toEqual([expect.objectContaining({ level: 'error', message: 'run failed, not retried', retry: false })]);
    expect(JSON.stringify(missing.lines[0]!.failed)).toContain('QueueNotExist');

    const unset = dispatcher(mns, { APIGW_AUDIT_JOB_QUEUE: '' });
    expect(await unset.handler(tick, fcContext())).toMatchObject({ status: 'failed', error: expect.stringContaining('APIGW_AUDIT_JOB_QUEUE') });
    expect(unset.lines).toEqual([expect.objectContaining({ message: 'run failed, not retried', failure: 'configuration' })]);
  });
});

describe('end to end: Resource Directory → MNS → worker → OSS state', () => {
  const BUCKET = 'apigw-audit-state';
  let fleet: FakeAlibabaFleet;
  let mns: FakeMns;
  let oss: FakeOss;

  beforeAll(async () => {
    fleet = await startFakeAlibabaFleet({
      estates: [findingEstate(MEMBER_OK, HZ), findingEstate(MEMBER_OK, SH), findingEstate(MEMBER_DENIED, HZ), findingEstate(MEMBER_DENIED, SH)],
      callerAccount: MANAGEMENT,
      roleName: ROLE,
      deniedAssume: [MEMBER_DENIED],
      resourceDirectory: {
        managementAccount: MANAGEMENT,
        accounts: [
          { id: MEMBER_OK, displayName: 'payments', status: 'CreateSuccess' },
          { id: MEMBER_VERIFYING, displayName: 'joining', status: 'PromoteVerifying' },
          { id: MEMBER_DENIED, displayName: 'locked-down', status: 'InviteSuccess' },
        ],
      },
    });
    mns = await startFakeMns({ ...DEFAULT_FAKE_ALI_CREDENTIALS, queues: [QUEUE] });
    oss = await startFakeOss({ bucket: BUCKET, credentials: { ...DEFAULT_FAKE_ALI_CREDENTIALS } });
  });

  afterAll(async () => {
    await Promise.all([fleet.close(), mns.close(), oss.stop()]);
  });

  it('every joined member × region is dispatched, audited through its role and recorded; the others are named', async () => {
    const config = {
      targets: [{ provider: 'alibaba', regions: [HZ, SH], resourceDirectory: { roleName: ROLE } }],
      state: { type: 'oss', bucket: BUCKET, endpoint: oss.endpoint },
    };
    const env: NodeJS.ProcessEnv = {
      ALIBABA_CLOUD_ENDPOINT_URL: fleet.url,
      APIGW_AUDIT_CONFIG: JSON.stringify(config),
      APIGW_AUDIT_JOB_QUEUE: QUEUE,
      APIGW_AUDIT_MNS_ENDPOINT: mns.url,
    };
    // The function role of the management account: the fleet's base key pair, as FC hands it in context.credentials.
    const context = fcContext({ credentials: { ...DEFAULT_FAKE_ALI_CREDENTIALS } });
    const dispatchLog = capture();
    const dispatched = await createDispatchHandler({ ...defaultFanoutRuntime(env), writeLog: dispatchLog.writeLog })(
      asBuffer({ triggerTime: '2026-11-21T12:00:00Z', triggerName: 'fanout', payload: '{"mode":"fanout"}' }),
      context,
    );
    expect(dispatched).toEqual({
      status: 'dispatched',
      dispatchId: 'fanout@2026-11-21T12:00:00Z',
      jobs: 4,
      skipped: [{ account: MEMBER_VERIFYING, reason: 'status PromoteVerifying' }],
    });
    expect(dispatchLog.lines.map((l) => `${l.level} ${l.message}`)).toEqual(['warn accounts skipped', 'info dispatch finished']);
    const bodies = mns.messages.get(QUEUE)!;
    expect(bodies).toHaveLength(4);

    // The event stream pushes one message per invocation (batch size 1), body decoded (IsBase64Decode).
    const workerLog = capture();
    const worker = createWorkerHandler({ ...defaultFanoutRuntime(env), writeLog: workerLog.writeLog });
    const results = [];
    for (const [i, body] of bodies.entries()) results.push(await worker(asBuffer([mnsEvent(body, i + 1)]), context));
    const byJob = Object.fromEntries(results.flatMap((r) => r.jobs).map((j) => [j.job, j.status]));
    expect(byJob).toEqual({
      [`alibaba ${MEMBER_OK} ${HZ}`]: 'complete',
      [`alibaba ${MEMBER_OK} ${SH}`]: 'complete',
      [`alibaba ${MEMBER_DENIED} ${HZ}`]: 'incomplete',
      [`alibaba ${MEMBER_DENIED} ${SH}`]: 'incomplete',
    });
    const denials = workerLog.lines.filter((l) => l.message === 'job not audited');
    expect(denials).toHaveLength(2);
    for (const line of denials) expect(JSON.stringify(line.failures)).toMatch(/sts:AssumeRole: .*NoPermission/);

    const store = new OssStateStore({ endpoint: oss.endpoint, bucket: BUCKET, credentials: { getCredentials: async () => ({ ...DEFAULT_FAKE_ALI_CREDENTIALS }) } });
    for (const region of [HZ, SH]) {
      const records = await store.load([{ provider: 'alibaba', account: MEMBER_OK, region }]);
      expect(records.length).toBeGreaterThan(0);
      expect(records.every((r) => r.targetKey === `alibaba/${MEMBER_OK}/${region}` && r.status === 'open')).toBe(true);
      expect(await store.load([{ provider: 'alibaba', account: MEMBER_DENIED, region }])).toEqual([]);
    }
    expect(await store.load([{ provider: 'alibaba', account: MEMBER_VERIFYING, region: HZ }])).toEqual([]);
    // The member data was read with the member's own session keys, never the management account's.
    expect(fleet.callsByAccount[MEMBER_OK]).toHaveProperty(['apigateway:DescribeVpcAccesses']);
    expect(fleet.assumeRoleCalls.map((c) => `${c.account} ${c.outcome}`).sort()).toEqual([
      `${MEMBER_OK} issued`,
      `${MEMBER_OK} issued`,
      `${MEMBER_DENIED} NoPermission`,
      `${MEMBER_DENIED} NoPermission`,
    ]);

    // Least privilege: the fan-out policy grants exactly the non-read calls the functions made.
    const reads = (JSON.parse(readFileSync(join(__dirname, '../../policies/alibaba-ram-policy.json'), 'utf8')) as { Statement: Array<{ Action: string[] }> }).Statement.flatMap((s) => s.Action);
    const fanoutPolicy = JSON.parse(readFileSync(join(__dirname, '../../policies/alibaba-fc-fanout-policy.json'), 'utf8')) as { Statement: Array<{ Action: string[] }> };
    const called = new Set([...Object.keys(fleet.calls).filter((op) => !reads.includes(op) && op !== 'sts:GetCallerIdentity'), ...(mns.requests.length > 0 ? ['mns:SendMessage'] : [])]);
    expect(fanoutPolicy.Statement.flatMap((s) => s.Action).sort()).toEqual([...called].sort());
  });
});
