// middy 6 is ESM-only; Node 20 can require() it natively, jest's module registry cannot.
jest.mock('@middy/core', () => process.getBuiltinModule('node:module').createRequire(__filename)('@middy/core'));
/**
 * Fuzz: the fan-out's message boundaries — a scan job as it arrives from SQS or MNS
 * (lib/fanout/types.ts parseScanJob), the Function Compute worker's MNS-trigger events and the
 * dispatcher's timer events (lib/fanout/fc-events.ts), and the Lambda worker handler fed whole
 * SQS events. At least 10 000 cases per boundary. Property: never throws, never hangs; a job that
 * comes out is well formed (ids only, a role ARN of its provider); a rejection is one bounded line.
 */
import fc from 'fast-check';
import { parseDispatchEvent, parseMnsJobEvent } from '../../lib/fanout/fc-events';
import { parseScanJob, type ScanJob } from '../../lib/fanout/types';
import { createWorkerHandler } from '../../functions/aws/worker';
import { anyValueArb, expectOneLineMessage, mutatedArb, runs, timed, timedAsync } from './helpers';

const job: ScanJob = { v: 1, provider: 'aws', account: '111111111111', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/ApigwAuditorRead', externalId: 'ext-1', dispatchId: 'schedule-1' };
const aliJob: ScanJob = { v: 1, provider: 'alibaba', account: '1234567890123456', region: 'cn-hangzhou', roleArn: 'acs:ram::1234567890123456:role/ApigwAuditorRead', dispatchId: 'd-1' };

const textArb = fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')), fc.constantFrom('', '{', '[]', 'null', '{"v":1}', '\u0000', 'x'.repeat(100_000)));

function expectJob(value: ScanJob): void {
  expect(value.v).toBe(1);
  expect(['aws', 'alibaba']).toContain(value.provider);
  expect(value.region).toMatch(/^[a-z]{2}(-[a-z0-9]+)+$/);
  if (value.account !== undefined) expect(value.account).toMatch(value.provider === 'aws' ? /^\d{12}$/ : /^\d{6,20}$/);
  if (value.roleArn !== undefined) expect(value.roleArn).toMatch(value.provider === 'aws' ? /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/ : /^acs:ram::\d+:role\/.+$/);
  if (value.externalId !== undefined) expect(value.provider).toBe('aws');
  expect(Object.keys(value).every((k) => ['v', 'provider', 'account', 'region', 'roleArn', 'externalId', 'dispatchId'].includes(k))).toBe(true);
}

function expectJobOrError(result: ScanJob | { error: string }): void {
  if ('error' in result) {
    expectOneLineMessage(result.error);
    expect(result.error).toMatch(/^job/);
  } else expectJob(result);
}

describe('scan job messages (SQS / MNS bodies): 10,000 cases', () => {
  it('random values and text (4,000 cases)', () => {
    fc.assert(fc.property(fc.oneof(anyValueArb, textArb), (value) => expectJobOrError(timed(() => parseScanJob(value)))), runs(4000));
  });
  it('mutations of real jobs, as objects and as JSON text (6,000 cases)', () => {
    for (const base of [job, aliJob]) {
      expect(parseScanJob(JSON.stringify(base))).toEqual(base);
      fc.assert(
        fc.property(mutatedArb(base), fc.boolean(), (value, asText) => {
          let input: unknown = value;
          if (asText) {
            try {
              input = JSON.stringify(value);
            } catch {
              input = value;
            }
          }
          expectJobOrError(timed(() => parseScanJob(input)));
        }),
        runs(3000),
      );
    }
  });
});

const cloudEvent = (body: string, id = 'm-1') => ({
  id: `e-${id}`,
  source: 'MNS-apigw-auditor-worker-jobs',
  specversion: '1.0',
  type: 'mns:Queue:SendMessage',
  subject: 'acs:mns:cn-hangzhou:1234567890123456:queues/apigw-audit-jobs',
  datacontenttype: 'application/json; charset=utf-8',
  time: '2026-11-22T00:00:00.000Z',
  data: { requestId: 'r-1', messageId: id, messageBody: body },
});

describe('Function Compute worker events (MNS trigger): 10,000 cases', () => {
  const batch = [cloudEvent(JSON.stringify(aliJob)), cloudEvent(Buffer.from(JSON.stringify(aliJob)).toString('base64'), 'm-2')];
  const check = (input: unknown) => {
    const result = timed(() => parseMnsJobEvent(input));
    if ('error' in result) return expectOneLineMessage(result.error);
    expect(result.messages.length).toBeGreaterThan(0);
    for (const m of result.messages) {
      if ('error' in m) expectOneLineMessage(m.error);
      else expectJob(m.job);
    }
  };
  it('random values, text and bytes (4,000 cases)', () => {
    fc.assert(fc.property(fc.oneof(anyValueArb, textArb, fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b))), check), runs(4000));
  });
  it('mutations of a real batch, as a value and as the Buffer FC hands over (6,000 cases)', () => {
    const parsed = parseMnsJobEvent(Buffer.from(JSON.stringify(batch)));
    expect('messages' in parsed && parsed.messages.map((m) => ('job' in m ? m.job : m))).toEqual([aliJob, aliJob]);
    fc.assert(
      fc.property(mutatedArb(batch), fc.boolean(), (value, asBuffer) => {
        let input: unknown = value;
        if (asBuffer) {
          try {
            input = Buffer.from(JSON.stringify(value) ?? '');
          } catch {
            input = value;
          }
        }
        check(input);
      }),
      runs(6000),
    );
  });
});

describe('Function Compute dispatcher events (timer / direct): 10,000 cases', () => {
  const timer = { triggerTime: '2026-11-22T00:00:00Z', triggerName: 'fanout', payload: '{"mode":"fanout","regions":["cn-hangzhou"]}' };
  const check = (input: unknown) => {
    const result = timed(() => parseDispatchEvent(input)) as unknown as Record<string, unknown>;
    if ('error' in result) return expectOneLineMessage(result.error as string);
    expect(['fc-timer', 'invoke']).toContain((result.trigger as { source: string }).source);
    if (result.regions !== undefined) for (const r of result.regions as string[]) expect(r).toMatch(/^[a-z]{2}(-[a-z0-9]+)+$/);
  };
  it('random values and text (4,000 cases)', () => {
    fc.assert(fc.property(fc.oneof(anyValueArb, textArb), check), runs(4000));
  });
  it('mutations of a real timer event (6,000 cases)', () => {
    fc.assert(fc.property(mutatedArb(timer), check), runs(6000));
  });
});

describe('Lambda worker handler fed arbitrary SQS events: 2,000 cases', () => {
  // Nothing is collected: every job that parses is handed to this stub, which refuses it as a
  // member role would. The property is about the handler: it answers, never throws.
  const lines: string[] = [];
  const handler = createWorkerHandler({
    env: {},
    writeLog: (line: string) => void lines.push(line),
    collect: async (j) => ({ ok: false, failure: { job: j, operation: 'sts:AssumeRole', error: 'AccessDenied: refused', transient: false } }),
  });
  const recordArb = fc.oneof(
    fc.record({ messageId: fc.oneof(fc.uuid(), anyValueArb), body: fc.oneof(textArb, anyValueArb, fc.constant(JSON.stringify(job))) }, { requiredKeys: [] }),
    anyValueArb,
  );
  it('answers { batchItemFailures } naming only its own message ids, and logs one line per record at most a few', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.record({ Records: fc.array(recordArb, { maxLength: 4 }) }), anyValueArb), async (event) => {
        lines.length = 0;
        const answer = (await timedAsync(() => (handler as (e: unknown, c: unknown) => Promise<unknown>)(event, { awsRequestId: 'r' }))) as Record<string, unknown> | undefined;
        expect(answer && typeof answer === 'object').toBe(true);
        const failures = (answer as { batchItemFailures?: Array<{ itemIdentifier: unknown }> }).batchItemFailures;
        if (failures) for (const f of failures) expect(typeof f.itemIdentifier).toBe('string');
        for (const line of lines) expect(line.includes('\n')).toBe(false);
      }),
      runs(2000),
    );
  });
});
