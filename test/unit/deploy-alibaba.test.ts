/**
 * s.yaml (Serverless Devs, fc3): five functions on one bundle, with the timer, EventBridge and
 * HTTP triggers and the fan-out dispatcher (timer) and worker (MNS queue trigger), role,
 * environment and log configuration; the code directory it deploys is the esbuild output and
 * exports the five handlers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseFcTimerEvent } from '../../lib/events/alibaba';
import { parseDispatchEvent } from '../../lib/fanout/fc-events';
import { ALIBABA_CHANGE_EVENTS } from '../../lib/events/catalogue';
import { ensureBundled, ROOT } from '../functions/helpers/bundle';

jest.setTimeout(60_000);

type Props = Record<string, any>;
interface SYaml {
  edition: string;
  name: string;
  access: string;
  vars: Props;
  resources: Record<string, { component: string; props: Props }>;
}

const raw = parseYaml(readFileSync(join(ROOT, 's.yaml'), 'utf8')) as SYaml;

/**
 * Resolves the Serverless Devs variables the file uses: `${vars.x}` (whole values, objects
 * included) and `${env('NAME', 'default')}` (to its default, as on a machine without the
 * variable). `${config('AccountID')}` is left as written: it names the deploying account.
 */
function resolveVariables(value: unknown, vars: Props): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{vars\.([\w.]+)\}$/.exec(value);
    if (whole) return resolveVariables(whole[1]!.split('.').reduce<any>((v, k) => v?.[k], vars), vars);
    return value.replace(/\$\{env\('([A-Z0-9_]+)'(?:,\s*'([^']*)')?\)\}/g, (_all, _name: string, fallback?: string) => fallback ?? '');
  }
  if (Array.isArray(value)) return value.map((v) => resolveVariables(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveVariables(v, vars)]));
  return value;
}

const resources = resolveVariables(raw.resources, resolveVariables(raw.vars, raw.vars) as Props) as SYaml['resources'];
const byHandler = Object.fromEntries(Object.values(resources).map((r) => [r.props.handler as string, r.props]));

beforeAll(() => ensureBundled());

describe('s.yaml (fc3)', () => {
  it('is a Serverless Devs 3 project of five fc3 functions, one per entry point of the bundle', () => {
    expect(raw.edition).toBe('3.0.0');
    expect(Object.values(resources).map((r) => r.component)).toEqual(['fc3', 'fc3', 'fc3', 'fc3', 'fc3']);
    expect(Object.keys(byHandler).sort()).toEqual(['index.dispatch', 'index.eventbridge', 'index.http', 'index.timer', 'index.worker']);
    for (const props of Object.values(byHandler)) {
      expect(props.runtime).toBe('nodejs20');
      expect(props.code).toBe('./dist-functions/alibaba');
      expect(props.region).toBe('cn-hangzhou');
      expect(props.role).toBe("acs:ram::${config('AccountID')}:role/apigw-auditor");
      expect(props.timeout).toBeGreaterThanOrEqual(600);
      expect(Object.keys(props.environmentVariables)).toEqual(expect.arrayContaining(['APIGW_AUDIT_CONFIG', 'APIGW_AUDIT_REGIONS']));
      expect(props.logConfig).toMatchObject({ project: 'apigw-auditor-logs', logstore: 'functions', enableRequestMetrics: true });
    }
    expect(byHandler['index.http']!.environmentVariables).toHaveProperty('APIGW_AUDIT_HTTP_TOKEN');
  });

  it('points at a built code directory whose bundle exports the five handlers', () => {
    const code = resolve(ROOT, byHandler['index.timer']!.code as string);
    expect(existsSync(join(code, 'index.js'))).toBe(true);
    const bundle = jest.requireActual(join(code, 'index.js')) as Record<string, unknown>;
    for (const handler of Object.keys(byHandler)) expect(typeof bundle[handler.split('.')[1]!]).toBe('function');
  });

  it('runs the timer every 6 hours with a 6-field cron and a payload the timer parser accepts', () => {
    const triggers = byHandler['index.timer']!.triggers as Props[];
    expect(triggers).toHaveLength(1);
    const [timer] = triggers;
    expect(timer).toMatchObject({ triggerType: 'timer', qualifier: 'LATEST', triggerConfig: { cronExpression: '0 0 */6 * * *', enable: true } });
    expect((timer!.triggerConfig.cronExpression as string).split(' ')).toHaveLength(6);
    const event = Buffer.from(JSON.stringify({ triggerTime: '2024-08-01T12:00:00Z', triggerName: timer!.triggerName, payload: timer!.triggerConfig.payload }));
    expect(parseFcTimerEvent(event, { region: 'cn-hangzhou' })).toMatchObject({ kind: 'full' });
  });

  it('subscribes the EventBridge function to exactly the catalogued ActionTrail calls per source, as CloudEvents', () => {
    const triggers = byHandler['index.eventbridge']!.triggers as Props[];
    const subscribed = Object.entries(ALIBABA_CHANGE_EVENTS).filter(([, v]) => v.subscribed);
    expect(triggers).toHaveLength(subscribed.length);
    const patterns = triggers.map((t) => {
      expect(t).toMatchObject({
        triggerType: 'eventbridge',
        triggerConfig: { triggerEnable: true, asyncInvocationType: true, eventSourceConfig: { eventSourceType: 'Default' }, eventSinkConfig: { deliveryOption: { eventSchema: 'CloudEvents' } } },
      });
      return JSON.parse(t.triggerConfig.eventRuleFilterPattern as string) as { source: string[] };
    });
    for (const [source, { type, eventNames }] of subscribed) {
      expect(patterns).toContainEqual({ source: [source], type: [type], data: { eventName: [...eventNames] } });
    }
  });

  it('serves on-demand runs over an HTTP trigger that requires signed requests, POST only', () => {
    const props = byHandler['index.http']!;
    expect(props.triggers).toEqual([
      { triggerName: 'on-demand', triggerType: 'http', qualifier: 'LATEST', triggerConfig: { authType: 'function', disableURLInternet: false, methods: ['POST'] } },
    ]);
  });

  it('bounds the asynchronous retries of the timer and EventBridge functions and keeps what still fails', () => {
    for (const handler of ['index.timer', 'index.eventbridge']) {
      expect(byHandler[handler]!.asyncInvokeConfig).toEqual({
        maxAsyncRetryAttempts: 1,
        maxAsyncEventAgeInSeconds: 3600,
        destinationConfig: { onFailure: { destination: "acs:mns:cn-hangzhou:${config('AccountID')}:/queues/apigw-auditor-failures/messages" } },
      });
    }
  });

  it('documents the RAM policies the role needs, which ship beside it', () => {
    const text = readFileSync(join(ROOT, 's.yaml'), 'utf8');
    for (const policy of ['policies/alibaba-ram-policy.json', 'policies/alibaba-fc-writes-policy.json', 'policies/alibaba-fc-actiontrail-policy.json', 'policies/alibaba-fc-fanout-policy.json', 'examples/alibaba-member-role.json']) {
      expect(text).toContain(policy);
      expect(existsSync(join(ROOT, policy))).toBe(true);
    }
  });

  it('fans out: a dispatcher timer whose payload the dispatcher accepts, sending to the jobs queue', () => {
    const props = byHandler['index.dispatch']!;
    expect(props.triggers).toEqual([
      { triggerName: 'fanout', triggerType: 'timer', qualifier: 'LATEST', triggerConfig: { cronExpression: '0 30 */6 * * *', enable: true, payload: '{"mode":"fanout"}' } },
    ]);
    const event = Buffer.from(JSON.stringify({ triggerTime: '2024-08-01T12:30:00Z', triggerName: 'fanout', payload: props.triggers[0].triggerConfig.payload }));
    expect(parseDispatchEvent(event)).toEqual({ dispatchId: 'fanout@2024-08-01T12:30:00Z', trigger: { source: 'fc-timer', name: 'fanout', time: '2024-08-01T12:30:00Z' } });
    expect(props.environmentVariables).toMatchObject({ APIGW_AUDIT_JOB_QUEUE: 'apigw-audit-jobs', APIGW_AUDIT_MNS_ENDPOINT: '' });
    expect(props.asyncInvokeConfig).toMatchObject({ maxAsyncRetryAttempts: 1 });
  });

  it('runs the worker from the jobs queue: an MNS event stream, one message per asynchronous invocation, capped instances', () => {
    const props = byHandler['index.worker']!;
    expect(props.concurrencyConfig).toEqual({ reservedConcurrency: '5' });
    expect(props.asyncInvokeConfig).toEqual({
      maxAsyncRetryAttempts: 2,
      maxAsyncEventAgeInSeconds: 86400,
      destinationConfig: { onFailure: { destination: "acs:mns:cn-hangzhou:${config('AccountID')}:/queues/apigw-auditor-failures/messages" } },
    });
    expect(props.triggers).toEqual([
      {
        triggerName: 'jobs',
        triggerType: 'eventbridge',
        qualifier: 'LATEST',
        triggerConfig: {
          triggerEnable: true,
          asyncInvocationType: true,
          eventRuleFilterPattern: '{}',
          eventSourceConfig: { eventSourceType: 'MNS', eventSourceParameters: { sourceMNSParameters: { QueueName: 'apigw-audit-jobs', IsBase64Decode: true } } },
          eventSinkConfig: { deliveryOption: { mode: 'event-streaming', eventSchema: 'CloudEvents' } },
          runOptions: {
            mode: 'event-streaming',
            batchWindow: { CountBasedWindow: 1, TimeBasedWindow: 0 },
            retryStrategy: { PushRetryStrategy: 'EXPONENTIAL_DECAY_RETRY' },
            errorsTolerance: 'ALL',
            deadLetterQueue: { Arn: "acs:mns:cn-hangzhou:${config('AccountID')}:/queues/apigw-auditor-failures" },
          },
        },
      },
    ]);
    // The queue the dispatcher sends to is the queue the worker is triggered by.
    expect(byHandler['index.dispatch']!.environmentVariables.APIGW_AUDIT_JOB_QUEUE).toBe(props.triggers[0].triggerConfig.eventSourceConfig.eventSourceParameters.sourceMNSParameters.QueueName);
  });
});
