/**
 * Secrets hygiene over every command and handler: each run has every secret set (cloud keys and STS
 * tokens, FC context credentials, chat/webhook URLs and signing secrets, the FC HTTP token, MNS and
 * OSS credentials, an SSM-sourced secret, credentials issued by RAM AssumeRole), talks to the
 * loopback fakes, succeeds or fails, and everything it produced is searched for every secret:
 * stdout, stderr, structured log lines, results and HTTP answers, thrown errors (message and stack),
 * files written (--output, --report, snapshots), state (file, DynamoDB items, OSS objects) and the
 * bodies the sinks sent. A secret counts as leaked raw, URL-encoded, JSON-escaped, base64 or as any
 * 12-character piece of it (so a truncated leak is caught too).
 *
 * The suite is a table: SURFACES below is a list of { name, run }, where `run` does one thing and
 * returns what it produced as `Captured[]`. To cover a new command or handler (fan-out dispatcher,
 * worker, …), append one entry; nothing else needs to change.
 */
// middy 6 is ESM-only; Node 20 can require() it natively, jest's module registry cannot.
jest.mock('@middy/core', () => process.getBuiltinModule('node:module').createRequire(__filename)('@middy/core'));
// Session credentials issued by STS AssumeRole (AWS and RAM) inside the fan-out are secrets too: the
// providers are wrapped (behaviour unchanged) so that each issued pair is planted as it is handed out.
jest.mock('../../lib/collect/aws/assume-role', () => {
  const actual = jest.requireActual('../../lib/collect/aws/assume-role');
  return {
    ...actual,
    assumeAwsRole: (options: unknown) => {
      const provider = actual.assumeAwsRole(options);
      return async () => {
        const c = await provider();
        mockPlantIssued('awsAssumedSecret', c.secretAccessKey, 'awsAssumedToken', c.sessionToken);
        return c;
      };
    },
  };
});
jest.mock('../../lib/collect/alibaba/credentials', () => {
  const actual = jest.requireActual('../../lib/collect/alibaba/credentials');
  return {
    ...actual,
    assumeRoleCredentials: (options: unknown) => {
      const provider = actual.assumeRoleCredentials(options);
      return {
        getCredentials: async () => {
          const c = await provider.getCredentials();
          mockPlantIssued('ramAssumedSecret', c.accessKeySecret, 'ramAssumedToken', c.securityToken);
          return c;
        },
      };
    },
  };
});

import { alibabaEstateFor, mnsEvent as queueEvent, sqsRecord as jobRecord } from '../helpers/fanout-fixtures';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { main } from '../../bin/cli';
import { createEventBridgeHandler, createHttpHandler, createTimerHandler, defaultAlibabaRuntime, HTTP_TOKEN_HEADER, type AlibabaRuntime, type FcContext } from '../../functions/alibaba/index';
import { createDispatchHandler as createFcDispatchHandler, createWorkerHandler as createFcWorkerHandler, defaultFanoutRuntime, type FanoutRuntime } from '../../functions/alibaba/fanout';
import { createDispatchHandler as createLambdaDispatchHandler, type DispatchRuntime } from '../../functions/aws/dispatch';
import { createInvokeHandler } from '../../functions/aws/invoke';
import { createWorkerHandler as createLambdaWorkerHandler, type WorkerRuntime } from '../../functions/aws/worker';
import { createOnChangeHandler } from '../../functions/aws/onChange';
import { createScheduledScanHandler } from '../../functions/aws/scheduledScan';
import { defaultAwsRuntime, type AwsRuntime } from '../../functions/shared/aws-runtime';
import { collectAlibabaRegion } from '../../lib/collect/alibaba/collect-region';
import { assumeRoleCredentials, environmentCredentials, functionComputeCredentials, type AlibabaCredentials } from '../../lib/collect/alibaba/credentials';
import { parseScanJob, type ScanJob } from '../../lib/fanout/types';
import { MnsQueueClient } from '../../lib/sinks/mns';
import { createStateTable } from '../../lib/state/dynamodb-store';
import { DingTalkSink, FeishuSink, MnsSink, SecurityHubSink, SlackSink, SqsSink, TeamsSink, WebhookSink } from '../../lib/sinks/index';
import type { Sink } from '../../lib/state/types';
import { DEFAULT_FLEET_ROLE_NAME, startFakeAlibabaFleet, type FakeAlibabaFleetOptions } from '../fakes/alibaba/fleet';
import { startFakeAlibaba, type FakeAliOptions } from '../fakes/alibaba/server';
import { startFakeAws, startFakeAwsFleet, type FakeAwsFleetOptions, type FakeAwsOptions } from '../fakes/aws/server';
import { startFakeOss } from '../fakes/oss/server';
import { startFakeSecurityHub } from '../fakes/securityhub/server';
import { startChatReceiver, type ChatKind, type ChatReceiver } from '../fakes/sinks/chat';
import { notifications, SCAN, testClock } from '../fakes/sinks/fixtures';
import { refusedUrl, startLoopback, type Loopback, type ReceivedRequest, type Reply } from '../fakes/sinks/loopback';
import { startFakeMns } from '../fakes/sinks/mns';
import { startFakeSqs } from '../fakes/sinks/sqs';
import { exampleAlibabaEstate } from '../helpers/alibaba-example-estate';
import { captureIo } from '../helpers/cli-io';
import { startDynalite, type Dynalite } from '../helpers/dynalite';
import { exampleAwsEstate } from '../helpers/example-estate';
import { rehomed } from '../helpers/fleet-estates';
import { ALI_ACCOUNT, ALI_REGION, ACCOUNT, asBuffer, authorizeIngressItemsForm, authorizeSecurityGroupEvent, fcHttpEvent, fcTimerEvent, functionUrlEvent, scheduledEvent } from '../functions/fixtures/events';

jest.setTimeout(120_000);

// ---------------------------------------------------------------------------------------------
// The secrets: random markers, some with characters that URL-encoding and JSON change.

const mark = (kind: string, tail = '') => `SECRET-${kind}-${randomUUID()}${tail}`;
/** Only URL-safe characters: these live in URL paths and queries. */
const urlMark = (kind: string) => `SECRET${kind}${randomUUID().replace(/-/g, '')}`;

const S = {
  awsKeyId: mark('AKID'),
  awsSecret: mark('AWSKEY', '+/x='),
  awsToken: mark('AWSTOKEN', '/+'),
  aliKeyId: mark('ALIID'),
  aliSecret: mark('ALIKEY', '&+/'),
  aliToken: mark('ALITOKEN', '+/='),
  fcKeyId: mark('FCID'),
  fcSecret: mark('FCKEY', '+/'),
  fcToken: mark('FCTOKEN', '/='),
  slackToken: urlMark('SLACK'),
  teamsSig: urlMark('TEAMS'),
  dingToken: urlMark('DING'),
  feishuToken: urlMark('FEISHU'),
  webhookToken: urlMark('HOOK'),
  ssmHookToken: urlMark('SSMHOOK'),
  dingSecret: mark('DINGSIGN', '+/"'),
  feishuSecret: mark('FEISHUSIGN', '\\+'),
  webhookSecret: mark('HOOKSIGN', '"/'),
  httpToken: mark('HTTPTOKEN', '+/'),
  ssmConfigSecret: urlMark('SSMCONFIG'),
};

const WINDOW = 12;

/** Every form a secret could leak in; the 12-character pieces go into `pieces`. */
function forms(secret: string): { whole: string[]; pieces: string[] } {
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  const whole = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), b64, b64.replace(/=+$/, ''), Buffer.from(secret).toString('base64url')];
  const pieces: string[] = [];
  for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
    for (let i = 0; i + WINDOW <= form.length; i++) pieces.push(form.slice(i, i + WINDOW));
  }
  return { whole: [...new Set(whole)], pieces };
}

const WHOLE: Array<[string, string]> = [];
const PIECES = new Map<string, string>();

/** Adds a secret to look for (also for values only known at run time, like what STS issued). */
function plant(name: string, secret: string): void {
  if (WHOLE.some(([, w]) => w === secret)) return;
  const f = forms(secret);
  for (const w of f.whole) WHOLE.push([name, w]);
  for (const p of f.pieces) PIECES.set(p, name);
}
for (const [name, secret] of Object.entries(S)) plant(name, secret);

/** How many session credentials STS issued (and were planted) so far, per cloud. */
const ISSUED = { aws: 0, alibaba: 0 };
function mockPlantIssued(secretName: string, secret: string, tokenName: string, token: string | undefined): void {
  ISSUED[secretName.startsWith('aws') ? 'aws' : 'alibaba']++;
  plant(secretName, secret);
  if (token) plant(tokenName, token);
}

interface Captured {
  where: string;
  text: string | Buffer;
}
interface Leak {
  where: string;
  secret: string;
  context: string;
}

function leaksIn(c: Captured): Leak[] {
  const text = typeof c.text === 'string' ? c.text : c.text.toString('utf8');
  const found: Leak[] = [];
  const at = (i: number) => text.slice(Math.max(0, i - 120), i + 60).replace(/\s+/g, ' ');
  for (const [name, form] of WHOLE) {
    const i = text.indexOf(form);
    if (i >= 0) found.push({ where: c.where, secret: name, context: at(i) });
  }
  if (found.length === 0) {
    for (let i = 0; i + WINDOW <= text.length; i++) {
      const name = PIECES.get(text.slice(i, i + WINDOW));
      if (name) {
        found.push({ where: c.where, secret: name, context: at(i) });
        break;
      }
    }
  }
  return found;
}

function expectNoLeaks(captured: Captured[]): void {
  const leaks = captured.flatMap(leaksIn);
  if (leaks.length > 0) {
    throw new Error(`secrets leaked:\n${leaks.map((l) => `  ${l.secret} in ${l.where}: …${l.context}…`).join('\n')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Plumbing shared by the surfaces: fakes started per run, environment set and restored, outputs read.

/** Closes what a surface started, in reverse order. */
class Scope {
  private readonly closers: Array<() => Promise<void> | void> = [];
  defer(close: () => Promise<void> | void): void {
    this.closers.push(close);
  }
  async close(): Promise<void> {
    for (const close of this.closers.reverse()) await close();
  }
}

const ROOT = mkdtempSync(join(tmpdir(), 'apigw-secrets-everywhere-'));
const EXAMPLES = join(__dirname, '../../examples');
const AWS_SNAPSHOT = join(EXAMPLES, 'aws-snapshot.json');
const ALI_SNAPSHOT = join(EXAMPLES, 'alibaba-snapshot.json');
const BIN = join(__dirname, '../../bin/apigw-audit.js');

function freshDir(name: string): string {
  const dir = join(ROOT, `${name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60)}-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Every file under `dir` (outputs, reports, snapshots, state files, locks). */
function filesUnder(dir: string): Captured[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ where: `file ${path}`, text: readFileSync(path) }];
  });
}

const ENV_KEYS_TO_CLEAR = [
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_RETRY_MODE',
  'APIGW_AUDIT_CONFIG',
  'APIGW_AUDIT_REGIONS',
  'ALIBABA_CLOUD_ENDPOINT_URL_STS',
  'ALIBABA_CLOUD_ENDPOINT_URL_OSS',
];

/** Sets process.env for one run (the SDKs read it) and returns the same values for `io.env`. */
function setProcessEnv(scope: Scope, values: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const saved = { ...process.env };
  scope.defer(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });
  for (const key of ENV_KEYS_TO_CLEAR) delete process.env[key];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return { ...process.env };
}

const AWS_CREDENTIAL_ENV = {
  AWS_ACCESS_KEY_ID: S.awsKeyId,
  AWS_SECRET_ACCESS_KEY: S.awsSecret,
  AWS_SESSION_TOKEN: S.awsToken,
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_MAX_ATTEMPTS: '2',
};
const ALI_CREDENTIAL_ENV = { ALIBABA_CLOUD_ACCESS_KEY_ID: S.aliKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: S.aliSecret, ALIBABA_CLOUD_SECURITY_TOKEN: S.aliToken };
const ALI_CREDENTIALS = { accessKeyId: S.aliKeyId, accessKeySecret: S.aliSecret, securityToken: S.aliToken };
const FC_CREDENTIALS = { accessKeyId: S.fcKeyId, accessKeySecret: S.fcSecret, securityToken: S.fcToken };

/** The URL path each provider puts its token in (as the chat receivers expect it). */
function hookPath(kind: ChatKind, token: string): string {
  switch (kind) {
    case 'slack':
      return `/services/T0AUDIT/B0AUDIT/${token}`;
    case 'teams':
      return `/workflows/0f8fad5b/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${token}`;
    case 'dingtalk':
      return `/robot/send?access_token=${token}`;
    case 'feishu':
      return `/open-apis/bot/v2/hook/${token}`;
    case 'webhook':
      return `/hooks/apigw/${token}`;
  }
}

const CHAT_TOKENS: Record<ChatKind, string> = { slack: S.slackToken, teams: S.teamsSig, dingtalk: S.dingToken, feishu: S.feishuToken, webhook: S.webhookToken };
const CHAT_SECRETS: Partial<Record<ChatKind, string>> = { dingtalk: S.dingSecret, feishu: S.feishuSecret, webhook: S.webhookSecret };

/**
 * How the chat/webhook endpoints behave: `ok` (the providers' receivers), `echo` (every answer is
 * an error quoting the request URL and headers back: 500 for Slack/Teams/webhook, DingTalk's and
 * Feishu's HTTP-200 error codes), `bad-request` (400 quoting the URL: not retried), `refused`.
 */
type HookMode = 'ok' | 'echo' | 'bad-request' | 'refused';

interface Hooks {
  urls: Record<ChatKind | 'ssm', string>;
  bodies(): Captured[];
}

function echoReply(status: number) {
  return (request: ReceivedRequest) => {
    const quoted = { error: `cannot deliver to ${request.url}`, request: { url: request.url, headers: request.headers } };
    if (request.url.startsWith('/robot/')) return { status: 200, body: JSON.stringify({ errcode: 310000, errmsg: `sign not match, url ${request.url}`, ...quoted }) };
    if (request.url.startsWith('/open-apis/')) return { status: 200, body: JSON.stringify({ code: 19021, msg: `sign match fail: ${request.url}`, ...quoted }) };
    return { status, headers: { 'Content-Type': 'text/plain' }, body: `${status} ${request.method} ${request.url} ${JSON.stringify(request.headers)}` };
  };
}

async function startHooks(scope: Scope, mode: HookMode): Promise<Hooks> {
  const kinds: ChatKind[] = ['slack', 'teams', 'dingtalk', 'feishu', 'webhook'];
  const received: ReceivedRequest[] = [];
  if (mode === 'ok') {
    const receivers: ChatReceiver[] = [];
    for (const kind of kinds) {
      const secret = CHAT_SECRETS[kind];
      receivers.push(await startChatReceiver({ kind, token: CHAT_TOKENS[kind], ...(secret ? { secret } : {}) }));
    }
    const ssm = await startChatReceiver({ kind: 'webhook', token: S.ssmHookToken });
    receivers.push(ssm);
    for (const r of receivers) scope.defer(() => r.close());
    const urls = Object.fromEntries(kinds.map((k, i) => [k, receivers[i]!.url])) as Record<ChatKind, string>;
    return { urls: { ...urls, ssm: ssm.url }, bodies: () => receivers.flatMap((r, i) => r.requests.map((q, j) => ({ where: `body #${j} sent to receiver #${i}`, text: q.body }))) };
  }
  let base: string;
  if (mode === 'refused') base = (await refusedUrl('')).replace(/\/$/, '');
  else {
    const loop: Loopback = await startLoopback((request) => {
      received.push(request);
      return echoReply(mode === 'echo' ? 500 : 400)(request);
    });
    scope.defer(() => loop.close());
    base = loop.url;
  }
  const urls = Object.fromEntries(kinds.map((k) => [k, `${base}${hookPath(k, CHAT_TOKENS[k])}`])) as Record<ChatKind, string>;
  return { urls: { ...urls, ssm: `${base}${hookPath('webhook', S.ssmHookToken)}` }, bodies: () => received.map((q, i) => ({ where: `body #${i} sent`, text: q.body })) };
}

function hookEnv(hooks: Hooks): Record<string, string> {
  return {
    SLACK_URL: hooks.urls.slack,
    TEAMS_URL: hooks.urls.teams,
    DINGTALK_URL: hooks.urls.dingtalk,
    FEISHU_URL: hooks.urls.feishu,
    WEBHOOK_URL: hooks.urls.webhook,
    DINGTALK_SECRET: S.dingSecret,
    FEISHU_SECRET: S.feishuSecret,
    WEBHOOK_SECRET: S.webhookSecret,
    APIGW_AUDIT_HTTP_TOKEN: S.httpToken,
  };
}

const CHAT_SINKS_YAML = [
  '  - { type: slack, url: { env: SLACK_URL } }',
  '  - { type: teams, url: { env: TEAMS_URL } }',
  '  - { type: dingtalk, url: { env: DINGTALK_URL }, secret: { env: DINGTALK_SECRET } }',
  '  - { type: feishu, url: { env: FEISHU_URL }, secret: { env: FEISHU_SECRET } }',
  '  - { type: webhook, url: { env: WEBHOOK_URL }, secret: { env: WEBHOOK_SECRET } }',
];

/** A minimal SSM (AWS JSON 1.1) GetParameter answering from `parameters`; other names are AccessDenied. */
async function startSsm(scope: Scope, parameters: Record<string, string>): Promise<string> {
  const loop = await startLoopback((request) => {
    const name = String((JSON.parse(request.body || '{}') as { Name?: string }).Name ?? '');
    const value = parameters[name];
    if (value === undefined) {
      return {
        status: 400,
        headers: { 'Content-Type': 'application/x-amz-json-1.1' },
        body: JSON.stringify({ __type: 'AccessDeniedException', message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/auditor/s is not authorized to perform: ssm:GetParameter on resource: ${name}` }),
      };
    }
    return { status: 200, headers: { 'Content-Type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ Parameter: { Name: name, Type: 'SecureString', Value: value, Version: 1 } }) };
  });
  scope.defer(() => loop.close());
  return loop.url;
}

/** SQS, MNS (signed with the Alibaba env credentials), Security Hub: the queue/service sinks of the CLI. */
async function startQueues(scope: Scope, credentials: AlibabaCredentials & { securityToken: string }, failing = false, failingHub: 'throttled' | 'denied' = 'throttled') {
  const sqs = await startFakeSqs(failing ? { callFaults: ['access-denied', 'server-error', 'server-error', 'server-error'] } : {});
  const mns = await startFakeMns({ ...credentials, queues: ['apigw-findings'], ...(failing ? { callFaults: ['server-error', 'server-error', 'server-error', 'server-error', 'server-error'] } : {}) });
  // Throttled: retried with the SDK's own (real) backoff, seconds; denied: refused at once.
  const hub = await startFakeSecurityHub(failing ? (failingHub === 'throttled' ? { throttleRequests: 100 } : { callerAccount: '999999999999' }) : {});
  scope.defer(() => sqs.close());
  scope.defer(() => mns.close());
  scope.defer(() => hub.close());
  return {
    env: { AWS_ENDPOINT_URL_SQS: sqs.url, AWS_ENDPOINT_URL_SECURITYHUB: hub.url },
    yaml: [
      `  - { type: sqs, queueUrl: "${sqs.queueUrl('apigw-findings')}" }`,
      `  - { type: mns, endpoint: "${mns.url}", queue: apigw-findings }`,
      '  - { type: securityhub, region: us-east-1 }',
    ],
    bodies: (): Captured[] => [
      ...[...sqs.messages.values()].flat().map((m) => ({ where: 'SQS message', text: m.Body })),
      ...[...mns.messages.values()].flat().map((m) => ({ where: 'MNS message', text: m })),
      ...[...hub.findings.values()].map((f) => ({ where: 'Security Hub finding', text: JSON.stringify(f) })),
    ],
  };
}

function writeConfig(dir: string, lines: string[]): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function cli(argv: string[], env: NodeJS.ProcessEnv, tty = false): Promise<Captured[]> {
  const io = captureIo(env, tty);
  const code = await main(argv, io);
  return [
    { where: `stdout of ${argv.slice(0, 2).join(' ')} (exit ${code})`, text: io.out() },
    { where: `stderr of ${argv.slice(0, 2).join(' ')} (exit ${code})`, text: io.err() },
  ];
}

/** A thrown error as text: name, message, stack, and its own enumerable fields. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return JSON.stringify(error) ?? String(error);
  let fields = '';
  try {
    fields = JSON.stringify(error);
  } catch {
    fields = '[unserializable]';
  }
  return `${error.name}: ${error.message}\n${error.stack ?? ''}\n${fields}`;
}

/** Calls a handler; the result or the thrown error, and the log lines, as captured text. */
async function invoke(name: string, call: () => Promise<unknown>, logs: string[]): Promise<Captured[]> {
  let outcome: Captured;
  try {
    outcome = { where: `${name} result`, text: JSON.stringify(await call()) };
  } catch (error) {
    outcome = { where: `${name} thrown error`, text: errorText(error) };
  }
  return [outcome, { where: `${name} log`, text: logs.join('\n') }];
}

function lambdaContext(fn: string) {
  return { awsRequestId: `req-${randomUUID()}`, functionName: fn, invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:apigw-private-auditor-${fn}` };
}

type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

interface AwsFunctionSetup {
  scope: Scope;
  /** The function's configuration (APIGW_AUDIT_CONFIG), built with the hooks and state dir. */
  config: (hooks: Hooks, dir: string) => string[];
  hooks?: HookMode;
  fake?: FakeAwsOptions;
  readParameter?: (name: string) => Promise<string>;
  store?: boolean;
}

/** The real Lambda runtime (real collectors against the fake AWS, real sinks), with captured logs. */
async function awsFunction(setup: AwsFunctionSetup) {
  const { scope } = setup;
  const dir = freshDir('lambda');
  const hooks = await startHooks(scope, setup.hooks ?? 'ok');
  const fake = await startFakeAws(exampleAwsEstate(), { latencyMs: 0, ...setup.fake });
  scope.defer(() => fake.close());
  const queues = await startQueues(scope, ALI_CREDENTIALS);
  const env = setProcessEnv(scope, { ...AWS_CREDENTIAL_ENV, ...ALI_CREDENTIAL_ENV, AWS_ENDPOINT_URL: fake.url, AWS_MAX_ATTEMPTS: '1', ...queues.env, ...hookEnv(hooks) });
  const lines = setup.config(hooks, dir);
  const config = [...lines, ...(lines.some((l) => l.startsWith('sinks:')) ? queues.yaml : [])].join('\n');
  const logs: string[] = [];
  const runtime: AwsRuntime = {
    ...defaultAwsRuntime(),
    env: { ...env, APIGW_AUDIT_CONFIG: config },
    writeLog: (line) => logs.push(line),
    audit: { sinks: { runtime: testClock() } },
    ...(setup.readParameter ? { readParameter: setup.readParameter } : {}),
  };
  return { runtime, logs, outputs: (): Captured[] => [...filesUnder(dir), ...hooks.bodies(), ...queues.bodies()] };
}

interface FcSetup {
  scope: Scope;
  hooks?: HookMode;
  /** The key pair the fake POP endpoint accepts; default the context's. */
  popCredentials?: AlibabaCredentials;
  fake?: FakeAliOptions;
  sinks?: boolean;
  poll?: boolean;
}

/** The real FC runtime: the context's STS credentials for POP, OSS state and the MNS sink. */
async function fcFunction(setup: FcSetup) {
  const { scope } = setup;
  const hooks = await startHooks(scope, setup.hooks ?? 'ok');
  const ali = await startFakeAlibaba(exampleAlibabaEstate(), { latencyMs: 0, credentials: setup.popCredentials ?? FC_CREDENTIALS, ...setup.fake });
  scope.defer(() => ali.close());
  const oss = await startFakeOss({ bucket: 'apigw-state', credentials: FC_CREDENTIALS });
  scope.defer(() => oss.stop());
  const mns = await startFakeMns({ ...FC_CREDENTIALS, queues: ['apigw-findings'], ...(setup.hooks === 'echo' ? { callFaults: ['server-error', 'server-error', 'server-error', 'server-error', 'server-error'] } : {}) });
  scope.defer(() => mns.close());
  const env = setProcessEnv(scope, { ...ALI_CREDENTIAL_ENV, ALIBABA_CLOUD_ENDPOINT_URL: ali.url, ...hookEnv(hooks) });
  const config = [
    `state: { type: oss, bucket: apigw-state, endpoint: "${oss.endpoint}" }`,
    ...(setup.sinks === false ? [] : ['sinks:', ...CHAT_SINKS_YAML, `  - { type: mns, endpoint: "${mns.url}", queue: apigw-findings }`]),
  ].join('\n');
  const logs: string[] = [];
  const base = defaultAlibabaRuntime();
  const runtime: AlibabaRuntime = {
    ...base,
    // The default collector, with the context's credentials; backoff between attempts is instant.
    collect: (region, context) => collectAlibabaRegion({ region, credentials: functionComputeCredentials(() => context), sleep: async () => undefined }),
    env: { ...env, APIGW_AUDIT_CONFIG: config },
    writeLog: (line) => logs.push(line),
    audit: (context) => {
      const credentials = functionComputeCredentials(() => context);
      return { state: { alibabaCredentials: credentials }, sinks: { mnsCredentials: credentials, runtime: testClock() } };
    },
  };
  if (setup.poll === false) delete runtime.lookupApiGatewayWrites;
  const context = (): FcContext => ({ requestId: `fc-${randomUUID()}`, region: ALI_REGION, accountId: ALI_ACCOUNT, credentials: { ...FC_CREDENTIALS }, function: { name: 'apigw-auditor' } });
  return {
    runtime,
    logs,
    context,
    ali,
    outputs: (): Captured[] => [
      ...[...oss.objects].map(([key, o]) => ({ where: `OSS object ${key}`, text: o.body })),
      ...[...mns.messages.values()].flat().map((m) => ({ where: 'MNS message', text: m })),
      ...hooks.bodies(),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// The surfaces. Append an entry to cover a new command or handler.

interface Surface {
  name: string;
  run(scope: Scope): Promise<Captured[]>;
}

const FORMATS = ['table', 'json', 'ocsf', 'asff', 'html'] as const;

/** scan --snapshot with --config (every chat sink, SQS, MNS, Security Hub, the SSM-sourced hook, a state store). */
async function snapshotScan(scope: Scope, mode: HookMode, format: string, state: 'file' | 'dynamodb' | 'oss', dynalite?: Dynalite): Promise<Captured[]> {
  const dir = freshDir(`scan-${mode}-${format}`);
  const hooks = await startHooks(scope, mode);
  const queues = await startQueues(scope, ALI_CREDENTIALS, mode === 'echo');
  const ssm = await startSsm(scope, { '/apigw-audit/hook': hooks.urls.ssm });
  let stateLine = `state: { type: file, path: ${join(dir, 'state.json')} }`;
  let stateCapture = async (): Promise<Captured[]> => [];
  const extraEnv: Record<string, string> = {};
  if (state === 'dynamodb') {
    const table = `state-${randomUUID().slice(0, 8)}`;
    await createStateTable(dynalite!.client(), table);
    stateLine = `state: { type: dynamodb, table: ${table} }`;
    extraEnv.AWS_ENDPOINT_URL_DYNAMODB = dynalite!.endpoint;
    stateCapture = async () => {
      const items = await dynalite!.client().send(new ScanCommand({ TableName: table }));
      return [{ where: `DynamoDB items of ${table}`, text: JSON.stringify(items.Items ?? []) }];
    };
  } else if (state === 'oss') {
    const oss = await startFakeOss({ bucket: 'apigw-state', credentials: ALI_CREDENTIALS });
    scope.defer(() => oss.stop());
    stateLine = `state: { type: oss, bucket: apigw-state, endpoint: "${oss.endpoint}", path: audit/ }`;
    stateCapture = async () => [...oss.objects].map(([key, o]) => ({ where: `OSS object ${key}`, text: o.body }));
  }
  const config = writeConfig(dir, [stateLine, 'sinks:', ...CHAT_SINKS_YAML, '  - { type: webhook, url: { ssm: /apigw-audit/hook } }', ...queues.yaml]);
  const env = setProcessEnv(scope, { ...AWS_CREDENTIAL_ENV, ...ALI_CREDENTIAL_ENV, ...queues.env, AWS_ENDPOINT_URL_SSM: ssm, ...extraEnv, ...hookEnv(hooks) });
  const out = join(dir, `findings.${format}`);
  const report = join(dir, 'report.html');
  const argv = ['scan', '--snapshot', AWS_SNAPSHOT, '--snapshot', ALI_SNAPSHOT, '--config', config, '--format', format, '--fail-on', 'none'];
  const captured = [
    ...(await cli([...argv, '--output', out, ...(format === 'html' ? [] : ['--report', report])], env)),
    // With answering sinks, the same again on "stdout" (a terminal for the table), with state from the first run.
    ...(mode === 'ok' ? await cli(argv, env, format === 'table') : []),
  ];
  // Not vacuous: the failure paths really ran (and were reported) before their text is searched.
  if (mode !== 'ok') expect(String(captured[1]!.text)).toContain('delivery failed');
  return [...captured, ...filesUnder(dir), ...(await stateCapture()), ...hooks.bodies(), ...queues.bodies()];
}

// ---------------------------------------------------------------------------------------------
// Fan-out plumbing: the fleet fakes (Organizations / Resource Directory, STS AssumeRole issuing
// session credentials, the member accounts' APIs), the job queues, the workers fed from them.

const ORG_MANAGEMENT = '100000000000';
const ORG_READABLE = '100000000001';
const ORG_DENIED = '100000000002';
const ORG_SUSPENDED = '100000000003';
const ORG_REGIONS = ['us-east-1', 'eu-west-1'];
const ORG_ROLE = 'ApigwAuditorRead';
const JOB_QUEUE = 'apigw-audit-jobs';

const RD_MANAGEMENT = '1000000000000001';
const RD_READABLE = '1000000000000101';
const RD_JOINING = '1000000000000102';
const RD_DENIED = '1000000000000103';

/** The only fields a job message may carry: ids, the region and the role ARN, never a credential. */
const JOB_FIELDS = new Set(['v', 'provider', 'account', 'region', 'roleArn', 'dispatchId']);

/** A job message as it went onto the queue: searched like every other output, and checked to hold ids only. */
function jobMessage(where: string, body: string, provider: 'aws' | 'alibaba'): Captured {
  const job = parseScanJob(body);
  if ('error' in job) throw new Error(`${where}: not a job (${job.error})`);
  expect(Object.keys(JSON.parse(body) as object).filter((k) => !JOB_FIELDS.has(k))).toEqual([]);
  expect(job.provider).toBe(provider);
  if (job.roleArn !== undefined) expect(job.roleArn).toMatch(provider === 'aws' ? /^arn:aws:iam::\d{12}:role\/ApigwAuditorRead$/ : /^acs:ram::\d+:role\/ApigwAuditorRead$/);
  return { where, text: body };
}

const sqsRecord = (messageId: string, body: string) => jobRecord(messageId, body, `arn:aws:sqs:us-east-1:${ORG_MANAGEMENT}:${JOB_QUEUE}`);

/** Job messages that are not jobs, with secrets in their bodies (a foreign producer's, a corrupted one). */
function foreignBodies(secret: string, token: string, provider: 'aws' | 'alibaba', account: string, region: string): string[] {
  const job = { v: 1, provider, account, region, dispatchId: 'foreign' };
  return [
    JSON.stringify({ ...job, password: secret }),
    JSON.stringify({ ...job, region: secret }),
    JSON.stringify({ ...job, dispatchId: token, v: 2 }),
    JSON.stringify({ ...job, credentials: { accessKeySecret: secret, securityToken: token } }),
    `hello ${token} ${secret}`,
    `{"v":1,"provider":"${provider}","secret":"${secret.replace(/["\\]/g, '\\$&')}"`,
    Buffer.from(JSON.stringify({ ...job, token })).toString('base64'),
  ];
}

/**
 * A job queue (SQS JSON or MNS XML) whose every answer is an error quoting the request back: URL,
 * headers (the signature, the security token) and body. `status` 500 is retried, 403 is not.
 */
async function startEchoingQueue(scope: Scope, kind: 'sqs' | 'mns', status: 500 | 403): Promise<{ url: string; received: ReceivedRequest[] }> {
  const received: ReceivedRequest[] = [];
  const loop = await startLoopback((request): Reply => {
    received.push(request);
    const quoted = `${request.method} ${request.url} ${JSON.stringify(request.headers)} ${request.body}`;
    if (kind === 'sqs') {
      const type = status === 500 ? 'InternalError' : 'AccessDenied';
      return { status, headers: { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${type};Sender` }, body: JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message: `cannot handle ${quoted}` }) };
    }
    const code = status === 500 ? 'InternalError' : 'SignatureDoesNotMatch';
    const escaped = quoted.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return {
      status,
      headers: { 'Content-Type': 'text/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?><Error xmlns="http://mns.aliyuncs.com/doc/v1/"><Code>${code}</Code><Message>The request signature does not match, string to sign: ${escaped}</Message><RequestId>5F2E0C8B</RequestId><HostId>${request.headers.host ?? ''}</HostId></Error>`,
    };
  });
  scope.defer(() => loop.close());
  return { url: kind === 'sqs' ? `${loop.url}/${ORG_MANAGEMENT}/${JOB_QUEUE}` : loop.url, received };
}

interface AwsFanoutSetup {
  scope: Scope;
  hooks?: HookMode;
  fleet?: Partial<FakeAwsFleetOptions>;
  /** The DynamoDB state table exists (default) or not. */
  table?: boolean;
}

/** The Lambda fan-out: the fleet fake, the job queue (a loopback SQS), DynamoDB state, every sink. */
async function awsFanout(setup: AwsFanoutSetup) {
  const { scope } = setup;
  const fleet = await startFakeAwsFleet({
    estates: [ORG_MANAGEMENT, ORG_READABLE].flatMap((account) => ORG_REGIONS.map((region) => rehomed(exampleAwsEstate(), account, region))),
    callerAccount: ORG_MANAGEMENT,
    deniedAssume: [ORG_DENIED],
    organization: {
      managementAccount: ORG_MANAGEMENT,
      accounts: [
        { id: ORG_MANAGEMENT, name: 'management' },
        { id: ORG_READABLE, name: 'member-readable' },
        { id: ORG_DENIED, name: 'member-denying' },
        { id: ORG_SUSPENDED, name: 'member-suspended', state: 'SUSPENDED' },
      ],
    },
    latencyMs: 0,
    ...setup.fleet,
  });
  scope.defer(() => fleet.close());
  const jobs = await startFakeSqs();
  scope.defer(() => jobs.close());
  const hooks = await startHooks(scope, setup.hooks ?? 'ok');
  const queues = await startQueues(scope, ALI_CREDENTIALS, setup.hooks === 'echo', 'denied');
  const table = `fanout-${randomUUID().slice(0, 8)}`;
  if (setup.table !== false) await createStateTable(dynalite.client(), table);
  const env = setProcessEnv(scope, {
    ...AWS_CREDENTIAL_ENV,
    ...ALI_CREDENTIAL_ENV,
    AWS_ENDPOINT_URL: fleet.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_MAX_ATTEMPTS: '1',
    ...queues.env,
    ...hookEnv(hooks),
  });
  const config = [
    'targets:',
    '  - provider: aws',
    `    regions: [${ORG_REGIONS.join(', ')}]`,
    `    organization: { roleName: ${ORG_ROLE} }`,
    `state: { type: dynamodb, table: ${table} }`,
    'sinks:',
    ...CHAT_SINKS_YAML,
    ...queues.yaml,
  ].join('\n');
  const functionEnv = { ...env, APIGW_AUDIT_CONFIG: config, APIGW_AUDIT_JOB_QUEUE_URL: jobs.queueUrl(JOB_QUEUE) };
  const awsCredentials = { accessKeyId: S.awsKeyId, secretAccessKey: S.awsSecret, sessionToken: S.awsToken };
  const dispatchLogs: string[] = [];
  const workerLogs: string[] = [];
  const dispatchRuntime = (over: Partial<DispatchRuntime> = {}): DispatchRuntime => ({
    env: functionEnv,
    sqs: new SQSClient({ region: 'us-east-1', endpoint: jobs.url, credentials: awsCredentials, maxAttempts: 1 }),
    sleep: async () => undefined,
    writeLog: (line) => dispatchLogs.push(line),
    ...over,
  });
  const workerRuntime: WorkerRuntime = { env: functionEnv, writeLog: (line) => workerLogs.push(line), audit: { sinks: { runtime: testClock() } } };
  const worker = createLambdaWorkerHandler(workerRuntime) as unknown as LambdaHandler;
  /** Every waiting job message, each handed to the worker as its own SQS event (batch size 1). */
  const work = async (): Promise<Captured[]> => {
    const out: Captured[] = [];
    for (const message of (jobs.messages.get(JOB_QUEUE) ?? []).filter((m) => !m.received)) {
      message.received = true;
      out.push(...(await invoke(`worker ${message.MessageId}`, () => worker({ Records: [sqsRecord(message.MessageId, message.Body)] }, lambdaContext('worker')), workerLogs)));
    }
    return out;
  };
  return {
    fleet,
    env: functionEnv,
    dispatchRuntime,
    dispatchLogs,
    worker,
    workerLogs,
    work,
    outputs: async (): Promise<Captured[]> => [
      ...(jobs.messages.get(JOB_QUEUE) ?? []).map((m) => jobMessage(`SQS job message ${m.MessageId}`, m.Body, 'aws')),
      ...(setup.table !== false ? [{ where: `DynamoDB items of ${table}`, text: JSON.stringify((await dynalite.client().send(new ScanCommand({ TableName: table }))).Items ?? []) }] : []),
      ...hooks.bodies(),
      ...queues.bodies(),
    ],
  };
}

/** The example Alibaba Cloud estate (which has findings) moved to another account and region. */
const aliEstateIn = alibabaEstateFor;

const mnsEvent = (body: string, n: number) => queueEvent(body, n, { region: ALI_REGION, account: RD_MANAGEMENT, name: JOB_QUEUE });

const FC_FANOUT_TICK = { triggerTime: '2026-11-21T12:00:00Z', triggerName: 'fanout', payload: '{"mode":"fanout"}' };

interface FcFanoutSetup {
  scope: Scope;
  hooks?: HookMode;
  fleet?: Partial<FakeAlibabaFleetOptions>;
  /** Where the dispatcher sends jobs; default the loopback MNS. */
  jobEndpoint?: string;
  /** The OSS state bucket accepts the context's credentials (default) or another secret. */
  ossRefuses?: boolean;
}

/** The FC fan-out: Resource Directory and RAM AssumeRole (fleet fake), the MNS job queue, OSS state, sinks. */
async function fcFanout(setup: FcFanoutSetup) {
  const { scope } = setup;
  const fleet = await startFakeAlibabaFleet({
    estates: [aliEstateIn(RD_READABLE, ALI_REGION), aliEstateIn(RD_DENIED, ALI_REGION)],
    callerAccount: RD_MANAGEMENT,
    credentials: FC_CREDENTIALS,
    deniedAssume: [RD_DENIED],
    resourceDirectory: {
      managementAccount: RD_MANAGEMENT,
      accounts: [
        { id: RD_READABLE, displayName: 'payments', status: 'CreateSuccess' },
        { id: RD_JOINING, displayName: 'joining', status: 'PromoteVerifying' },
        { id: RD_DENIED, displayName: 'locked-down', status: 'InviteSuccess' },
      ],
    },
    latencyMs: 0,
    ...setup.fleet,
  });
  scope.defer(() => fleet.close());
  const jobs = await startFakeMns({ ...FC_CREDENTIALS, queues: [JOB_QUEUE] });
  scope.defer(() => jobs.close());
  const hooks = await startHooks(scope, setup.hooks ?? 'ok');
  const oss = await startFakeOss({ bucket: 'apigw-state', credentials: setup.ossRefuses ? { ...FC_CREDENTIALS, accessKeySecret: 'the-bucket-wants-another-secret' } : FC_CREDENTIALS });
  scope.defer(() => oss.stop());
  const findings = await startFakeMns({ ...FC_CREDENTIALS, queues: ['apigw-findings'], ...(setup.hooks === 'echo' ? { callFaults: ['server-error', 'server-error', 'server-error', 'server-error', 'server-error'] } : {}) });
  scope.defer(() => findings.close());
  const env = setProcessEnv(scope, { ...ALI_CREDENTIAL_ENV, ALIBABA_CLOUD_ENDPOINT_URL: fleet.url, ...hookEnv(hooks) });
  const config = [
    'targets:',
    '  - provider: alibaba',
    `    regions: [${ALI_REGION}]`,
    `    resourceDirectory: { roleName: ${DEFAULT_FLEET_ROLE_NAME} }`,
    `state: { type: oss, bucket: apigw-state, endpoint: "${oss.endpoint}" }`,
    'sinks:',
    ...CHAT_SINKS_YAML,
    `  - { type: mns, endpoint: "${findings.url}", queue: apigw-findings }`,
  ].join('\n');
  const functionEnv = { ...env, APIGW_AUDIT_CONFIG: config, APIGW_AUDIT_JOB_QUEUE: JOB_QUEUE, APIGW_AUDIT_MNS_ENDPOINT: setup.jobEndpoint ?? jobs.url };
  const logs: string[] = [];
  const base = defaultFanoutRuntime(functionEnv);
  const runtime: FanoutRuntime = {
    ...base,
    // The defaults, signed with the context's credentials; retries without waiting.
    jobQueue: (target, context) => new MnsQueueClient({ ...target, credentials: functionComputeCredentials(() => context), runtime: testClock() }),
    collectOptions: (context) => ({ ...base.collectOptions!(context), alibaba: { sleep: async () => undefined } }),
    audit: (context) => {
      const credentials = functionComputeCredentials(() => context);
      return { state: { alibabaCredentials: credentials }, sinks: { mnsCredentials: credentials, runtime: testClock() } };
    },
    writeLog: (line) => logs.push(line),
  };
  const context = (): FcContext => ({ requestId: `fc-${randomUUID()}`, region: ALI_REGION, accountId: RD_MANAGEMENT, credentials: { ...FC_CREDENTIALS }, function: { name: 'apigw-auditor-fanout' } });
  const worker = createFcWorkerHandler(runtime);
  /** Every job message on the queue, each pushed to the worker as its own event (batch size 1). */
  const work = async (): Promise<Captured[]> => {
    const out: Captured[] = [];
    for (const [i, body] of (jobs.messages.get(JOB_QUEUE) ?? []).entries()) out.push(...(await invoke(`fc worker #${i}`, () => worker(asBuffer([mnsEvent(body, i + 1)]), context()), logs)));
    return out;
  };
  return {
    fleet,
    runtime,
    logs,
    context,
    worker,
    work,
    jobBodies: () => jobs.messages.get(JOB_QUEUE) ?? [],
    outputs: (): Captured[] => [
      ...(jobs.messages.get(JOB_QUEUE) ?? []).map((m, i) => jobMessage(`MNS job message #${i}`, m, 'alibaba')),
      ...[...oss.objects].map(([key, o]) => ({ where: `OSS object ${key}`, text: o.body })),
      ...[...findings.messages.values()].flat().map((m) => ({ where: 'MNS findings message', text: m })),
      ...hooks.bodies(),
    ],
  };
}

let dynalite: Dynalite;

const SURFACES: Surface[] = [
  // --- CLI: commands that read no cloud ------------------------------------------------------
  ...[['rules'], ['rules', '--format', 'json'], ['explain', 'AWS-VPCLINK-INACTIVE'], ['explain', 'ALI-PREFLIGHT-CIDR'], ['explain', 'NO-SUCH-RULE'], ['--help'], ['--version'], [], ['frobnicate', S.httpToken]].map(
    (argv): Surface => ({
      name: `cli ${argv.map((a) => (a === S.httpToken ? '<secret>' : a)).join(' ') || '(no command)'}`,
      run: async (scope) => cli(argv, setProcessEnv(scope, { ...AWS_CREDENTIAL_ENV, ...ALI_CREDENTIAL_ENV, SLACK_URL: `https://hooks.slack.com${hookPath('slack', S.slackToken)}` })),
    }),
  ),

  // --- CLI: scan --snapshot, every format, with sinks and state ------------------------------
  ...FORMATS.map((format): Surface => ({ name: `cli scan --snapshot --format ${format} --output --report, sinks answering, file state`, run: (scope) => snapshotScan(scope, 'ok', format, 'file') })),
  { name: 'cli scan --snapshot, DynamoDB state, sinks answering', run: (scope) => snapshotScan(scope, 'ok', 'json', 'dynamodb', dynalite) },
  { name: 'cli scan --snapshot, OSS state, sinks answering', run: (scope) => snapshotScan(scope, 'ok', 'json', 'oss') },
  { name: 'cli scan --snapshot, every sink down with error bodies quoting the request URL (5xx, retried)', run: (scope) => snapshotScan(scope, 'echo', 'json', 'file') },
  { name: 'cli scan --snapshot, every chat sink answering 400 quoting the request URL', run: (scope) => snapshotScan(scope, 'bad-request', 'ocsf', 'file') },

  // --- CLI: configuration and state failures --------------------------------------------------
  {
    name: 'cli scan --config with an unresolvable {env: X} and {ssm: …} secret',
    run: async (scope) => {
      const dir = freshDir('unresolvable');
      const ssm = await startSsm(scope, {});
      const env = setProcessEnv(scope, { ...AWS_CREDENTIAL_ENV, ...ALI_CREDENTIAL_ENV, AWS_ENDPOINT_URL_SSM: ssm, WEBHOOK_SECRET: S.webhookSecret, SLACK_URL: `https://hooks.slack.com${hookPath('slack', S.slackToken)}` });
      const missingEnv = writeConfig(dir, ['sinks:', '  - { type: slack, url: { env: SLACK_URL } }', '  - { type: webhook, url: { env: NOT_SET_ANYWHERE }, secret: { env: WEBHOOK_SECRET } }']);
      const first = await cli(['scan', '--snapshot', AWS_SNAPSHOT, '--config', missingEnv], env);
      const deniedDir = freshDir('ssm-denied');
      const deniedSsm = writeConfig(deniedDir, ['sinks:', '  - { type: slack, url: { env: SLACK_URL } }', '  - { type: webhook, url: { ssm: /apigw-audit/denied }, secret: { env: WEBHOOK_SECRET } }']);
      return [...first, ...(await cli(['scan', '--snapshot', AWS_SNAPSHOT, '--config', deniedSsm], env)), ...filesUnder(dir)];
    },
  },
  {
    name: 'cli scan --config: inline secrets in a configuration that is not valid YAML, and one that fails validation',
    run: async (scope) => {
      const dir = freshDir('bad-config');
      const env = setProcessEnv(scope, { ...AWS_CREDENTIAL_ENV });
      const slack = `https://hooks.slack.com${hookPath('slack', S.slackToken)}`;
      const yaml = writeConfig(dir, ['sinks:', `  - { type: slack, url: "${slack} }`, `  - { type: dingtalk, url: "https://oapi.dingtalk.com${hookPath('dingtalk', S.dingToken)}", secret: '${S.dingSecret.replace(/'/g, "''")}' `]);
      const bad = join(dir, 'schema.yaml');
      writeFileSync(
        bad,
        [
          'sinks:',
          `  - { type: slack, url: "${slack}", minSeverity: urgent, token: "${S.teamsSig}" }`,
          `  - { type: webhook, url: { env: "${S.webhookToken}" }, secret: { vault: "${S.webhookSecret}" } }`,
          `  - { type: sqs, queueUrl: "not a url ${S.feishuToken}" }`,
          `state: { type: oss, bucket: b, endpoint: "http://127.0.0.1:9/${S.ssmConfigSecret}" }`,
        ].join('\n'),
      );
      return [...(await cli(['scan', '--snapshot', AWS_SNAPSHOT, '--config', yaml], env)), ...(await cli(['scan', '--snapshot', AWS_SNAPSHOT, '--config', bad], env))];
    },
  },
  {
    name: 'cli scan: state errors (DynamoDB table missing, OSS refusing the signature, unwritable and corrupt state file)',
    run: async (scope) => {
      const dir = freshDir('state-errors');
      const oss = await startFakeOss({ bucket: 'apigw-state', credentials: { accessKeyId: S.aliKeyId, accessKeySecret: 'another-secret', securityToken: S.aliToken } });
      scope.defer(() => oss.stop());
      const env = setProcessEnv(scope, { ...AWS_CREDENTIAL_ENV, ...ALI_CREDENTIAL_ENV, AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint });
      const run = async (name: string, state: string) => cli(['scan', '--snapshot', AWS_SNAPSHOT, '--config', writeConfig(freshDir(name), [state])], env);
      writeFileSync(join(dir, 'corrupt.json'), '{"version": 1, "findings": [');
      mkdirSync(join(dir, 'a-directory.json'));
      return [
        ...(await run('ddb', 'state: { type: dynamodb, table: no-such-table }')),
        ...(await run('oss', `state: { type: oss, bucket: apigw-state, endpoint: "${oss.endpoint}" }`)),
        ...(await run('oss-missing-bucket', `state: { type: oss, bucket: other-bucket, endpoint: "${oss.endpoint}" }`)),
        ...(await run('file-corrupt', `state: { type: file, path: ${join(dir, 'corrupt.json')} }`)),
        ...(await run('file-dir', `state: { type: file, path: ${join(dir, 'a-directory.json')} }`)),
        ...(await run('file-unwritable', `state: { type: file, path: ${join(dir, 'corrupt.json', 'state.json')} }`)),
      ];
    },
  },

  // --- CLI: live AWS against the fake -----------------------------------------------------------
  {
    name: 'cli scan/collect --provider aws (live), DynamoDB state, sinks answering',
    run: async (scope) => {
      const dir = freshDir('aws-live');
      const fake = await startFakeAws(exampleAwsEstate(), { latencyMs: 0 });
      scope.defer(() => fake.close());
      const hooks = await startHooks(scope, 'ok');
      const table = `live-${randomUUID().slice(0, 8)}`;
      await createStateTable(dynalite.client(), table);
      const env = setProcessEnv(scope, { ...AWS_CREDENTIAL_ENV, AWS_ENDPOINT_URL: fake.url, AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint, ...hookEnv(hooks) });
      const config = writeConfig(dir, [`state: { type: dynamodb, table: ${table} }`, 'sinks:', ...CHAT_SINKS_YAML]);
      const items = await dynalite.client().send(new ScanCommand({ TableName: table }));
      return [
        ...(await cli(['scan', '--provider', 'aws', '--region', 'us-east-1', '--config', config, '--format', 'json', '--report', join(dir, 'r.html')], env)),
        ...(await cli(['collect', '--provider', 'aws', '--region', 'us-east-1', '--out', join(dir, 'snapshot.json')], env)),
        ...filesUnder(dir),
        { where: 'DynamoDB items', text: JSON.stringify((await dynalite.client().send(new ScanCommand({ TableName: table }))).Items ?? items.Items) },
        ...hooks.bodies(),
      ];
    },
  },
  ...(['access-denied', 'server-error', 'malformed', 'reset'] as const).map(
    (kind): Surface => ({
      name: `cli scan/collect --provider aws (live), every operation failing with ${kind}`,
      run: async (scope) => {
        const dir = freshDir(`aws-${kind}`);
        const operations = ['sts:GetCallerIdentity', 'ec2:DescribeSecurityGroups', 'apigatewayv2:GetVpcLinks', 'apigateway:GetVpcLinks', 'elasticloadbalancing:DescribeLoadBalancers', 'servicediscovery:ListNamespaces'];
        const fake = await startFakeAws(exampleAwsEstate(), { latencyMs: 0, faults: operations.map((operation) => ({ operation, kind })) });
        scope.defer(() => fake.close());
        const env = setProcessEnv(scope, { ...AWS_CREDENTIAL_ENV, AWS_ENDPOINT_URL: fake.url, AWS_MAX_ATTEMPTS: '1' });
        return [
          ...(await cli(['scan', '--provider', 'aws', '--region', 'us-east-1', '--format', 'json'], env)),
          ...(await cli(['collect', '--provider', 'aws', '--region', 'us-east-1', '--out', join(dir, 'snapshot.json')], env)),
          ...filesUnder(dir),
        ];
      },
    }),
  ),

  // --- CLI: live Alibaba Cloud against the fake -------------------------------------------------
  {
    name: 'cli scan/collect/preflight --provider alibaba (live, STS credentials), OSS state, MNS and chat sinks',
    run: async (scope) => {
      const dir = freshDir('ali-live');
      const ali = await startFakeAlibaba(exampleAlibabaEstate(), { latencyMs: 0, credentials: ALI_CREDENTIALS });
      scope.defer(() => ali.close());
      const oss = await startFakeOss({ bucket: 'apigw-state', credentials: ALI_CREDENTIALS });
      scope.defer(() => oss.stop());
      const hooks = await startHooks(scope, 'ok');
      const mns = await startFakeMns({ ...ALI_CREDENTIALS, queues: ['apigw-findings'] });
      scope.defer(() => mns.close());
      const env = setProcessEnv(scope, { ...ALI_CREDENTIAL_ENV, ALIBABA_CLOUD_ENDPOINT_URL: ali.url, ...hookEnv(hooks) });
      const config = writeConfig(dir, [`state: { type: oss, bucket: apigw-state, endpoint: "${oss.endpoint}" }`, 'sinks:', ...CHAT_SINKS_YAML, `  - { type: mns, endpoint: "${mns.url}", queue: apigw-findings }`]);
      const snapshot = join(dir, 'ali.json');
      return [
        ...(await cli(['scan', '--provider', 'alibaba', '--region', ALI_REGION, '--config', config, '--format', 'html', '--output', join(dir, 'r.html')], env)),
        ...(await cli(['collect', '--provider', 'alibaba', '--region', ALI_REGION, '--out', snapshot], env)),
        ...(await cli(['preflight', '--group', 'grp-orders', '--target-instance', 'apigateway-hz-vpc001', '--region', ALI_REGION, '--format', 'json'], env)),
        ...(await cli(['preflight', '--group', 'grp-orders', '--target-instance', 'apigateway-hz-vpc001', '--snapshot', snapshot], env, true)),
        ...(await cli(['preflight', '--group', 'grp-nope', '--target-instance', 'apigateway-hz-vpc001', '--snapshot', snapshot], env)),
        ...filesUnder(dir),
        ...[...oss.objects].map(([key, o]) => ({ where: `OSS object ${key}`, text: o.body })),
        ...[...mns.messages.values()].flat().map((m) => ({ where: 'MNS message', text: m })),
        ...hooks.bodies(),
      ];
    },
  },
  {
    name: 'cli scan/collect/preflight --provider alibaba with a wrong secret (SignatureDoesNotMatch quoting the string to sign)',
    run: async (scope) => {
      const ali = await startFakeAlibaba(exampleAlibabaEstate(), { latencyMs: 0, credentials: { ...ALI_CREDENTIALS, accessKeySecret: 'the-right-secret-is-another-one' } });
      scope.defer(() => ali.close());
      const dir = freshDir('ali-wrong');
      const env = setProcessEnv(scope, { ...ALI_CREDENTIAL_ENV, ALIBABA_CLOUD_ENDPOINT_URL: ali.url });
      return [
        ...(await cli(['scan', '--provider', 'alibaba', '--region', ALI_REGION, '--format', 'json'], env)),
        ...(await cli(['collect', '--provider', 'alibaba', '--region', ALI_REGION, '--out', join(dir, 's.json')], env)),
        ...(await cli(['preflight', '--group', 'grp-orders', '--target-instance', 'apigateway-hz-vpc001', '--region', ALI_REGION], env)),
        ...filesUnder(dir),
      ];
    },
  },
  {
    name: 'cli scan --provider alibaba with a token the endpoint does not know, and with Forbidden.RAM / incomplete answers',
    run: async (scope) => {
      const mismatch = await startFakeAlibaba(exampleAlibabaEstate(), { latencyMs: 0, credentials: { ...ALI_CREDENTIALS, securityToken: 'another-token' } });
      scope.defer(() => mismatch.close());
      const faults = [
        { operation: 'apigateway:DescribeVpcAccesses', kind: 'forbidden' as const },
        { operation: 'slb:DescribeLoadBalancers', kind: 'missing-fields' as const },
      ];
      const faulty = await startFakeAlibaba(exampleAlibabaEstate(), { latencyMs: 0, credentials: ALI_CREDENTIALS, faults });
      scope.defer(() => faulty.close());
      const env1 = setProcessEnv(scope, { ...ALI_CREDENTIAL_ENV, ALIBABA_CLOUD_ENDPOINT_URL: mismatch.url });
      const first = await cli(['scan', '--provider', 'alibaba', '--region', ALI_REGION, '--format', 'json'], env1);
      const env2 = setProcessEnv(scope, { ...ALI_CREDENTIAL_ENV, ALIBABA_CLOUD_ENDPOINT_URL: faulty.url });
      return [...first, ...(await cli(['scan', '--provider', 'alibaba', '--region', ALI_REGION, '--format', 'json'], env2))];
    },
  },

  // --- RAM AssumeRole: credentials the fleet fake's STS issues ----------------------------------
  {
    name: 'collector with RAM AssumeRole credentials (issued by the fake STS): accepted, refused afterwards, AssumeRole refused, unknown role',
    run: async (scope) => {
      const estate = exampleAlibabaEstate();
      const account = estate.account;
      const fleet = await startFakeAlibabaFleet({
        estates: [estate],
        callerAccount: '1999999999999999',
        credentials: ALI_CREDENTIALS,
        faults: [{ operation: 'ecs:DescribeSecurityGroupAttribute', kind: 'forbidden' }, { operation: 'slb:DescribeLoadBalancers', kind: 'malformed' }],
      });
      const denying = await startFakeAlibabaFleet({ estates: [exampleAlibabaEstate()], callerAccount: '1999999999999999', credentials: ALI_CREDENTIALS, deniedAssume: [account] });
      scope.defer(() => fleet.close());
      scope.defer(() => denying.close());
      const collect = async (name: string, url: string, roleArn: string) => {
        const env = setProcessEnv(scope, { ...ALI_CREDENTIAL_ENV, ALIBABA_CLOUD_ENDPOINT_URL: url });
        const assumed = assumeRoleCredentials({ roleArn, env, source: environmentCredentials(env), retry: { sleep: async () => undefined } });
        // What STS issued is a secret too: planted as soon as it is handed out.
        const credentials = {
          getCredentials: async () => {
            const c = await assumed.getCredentials();
            plant('assumedSecret', c.accessKeySecret);
            if (c.securityToken) plant('assumedToken', c.securityToken);
            return c;
          },
        };
        try {
          const inventory = await collectAlibabaRegion({ region: ALI_REGION, credentials, sleep: async () => undefined });
          return [{ where: `${name}: inventory`, text: JSON.stringify(inventory) }];
        } catch (error) {
          return [{ where: `${name}: thrown`, text: errorText(error) }];
        }
      };
      const role = `acs:ram::${account}:role/${DEFAULT_FLEET_ROLE_NAME}`;
      const captured = [
        ...(await collect('accepted, some operations refused', fleet.url, role)),
        ...(await collect('AssumeRole refused', denying.url, role)),
        ...(await collect('unknown role', fleet.url, `acs:ram::${account}:role/NoSuchRole`)),
      ];
      expect(fleet.assumeRoleCalls.some((c) => c.outcome === 'issued')).toBe(true);
      return captured;
    },
  },

  // --- CLI as a real child process (needs dist/, like test/wire/cli-live.test.ts) ----------------
  {
    name: 'node bin/apigw-audit.js: live AWS scan with sinks (one refusing) and state, a failing Alibaba scan, a bad configuration',
    run: async (scope) => {
      const dir = freshDir('child');
      const fake = await startFakeAws(exampleAwsEstate(), { latencyMs: 0, faults: [{ operation: 'ec2:DescribeSecurityGroups', kind: 'access-denied' }] });
      scope.defer(() => fake.close());
      const ali = await startFakeAlibaba(exampleAlibabaEstate(), { latencyMs: 0, credentials: { ...ALI_CREDENTIALS, accessKeySecret: 'wrong' } });
      scope.defer(() => ali.close());
      const hooks = await startHooks(scope, 'ok');
      const refused = await refusedUrl(hookPath('webhook', S.webhookToken));
      const config = writeConfig(dir, [`state: { type: file, path: ${join(dir, 'state.json')} }`, 'sinks:', ...CHAT_SINKS_YAML.slice(0, 4), '  - { type: webhook, url: { env: REFUSED_URL }, secret: { env: WEBHOOK_SECRET } }']);
      const env = {
        PATH: process.env.PATH,
        HOME: dir,
        ...AWS_CREDENTIAL_ENV,
        ...ALI_CREDENTIAL_ENV,
        AWS_ENDPOINT_URL: fake.url,
        ALIBABA_CLOUD_ENDPOINT_URL: ali.url,
        REFUSED_URL: refused,
        ...hookEnv(hooks),
      } as NodeJS.ProcessEnv;
      const run = (argv: string[]) =>
        new Promise<Captured[]>((resolve) => {
          execFile(process.execPath, [BIN, ...argv], { env, cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
            const where = `child ${argv.slice(0, 3).join(' ')} (exit ${error ? (error as { code?: unknown }).code : 0})`;
            resolve([
              { where: `${where} stdout`, text: stdout },
              { where: `${where} stderr`, text: stderr },
            ]);
          });
        });
      expect(existsSync(join(__dirname, '../../dist/bin/cli.js'))).toBe(true);
      return [
        ...(await run(['scan', '--provider', 'aws', '--region', 'us-east-1', '--config', config, '--format', 'json'])),
        ...(await run(['scan', '--provider', 'alibaba', '--region', ALI_REGION, '--format', 'table'])),
        ...(await run(['scan', '--snapshot', AWS_SNAPSHOT, '--config', join(dir, 'missing.yaml')])),
        ...(await run(['explain', 'AWS-VPCLINK-INACTIVE'])),
        ...filesUnder(dir),
        ...hooks.bodies(),
      ];
    },
  },

  // --- Lambda handlers (real collectors against the fake AWS, real sinks, logs captured) ----------
  {
    name: 'lambda scheduledScan: complete, file state, every sink answering',
    run: async (scope) => {
      const t = await awsFunction({ scope, config: (_h, dir) => [`state: { type: file, path: ${join(dir, 'state.json')} }`, 'sinks:', ...CHAT_SINKS_YAML] });
      return [...(await invoke('scheduledScan', () => (createScheduledScanHandler(t.runtime) as unknown as LambdaHandler)(scheduledEvent, lambdaContext('scheduledScan')), t.logs)), ...t.outputs()];
    },
  },
  {
    name: 'lambda scheduledScan: sinks failing with error bodies quoting the URL, no state (thrown for retry)',
    run: async (scope) => {
      const t = await awsFunction({ scope, hooks: 'echo', config: () => ['sinks:', ...CHAT_SINKS_YAML] });
      return [...(await invoke('scheduledScan', () => (createScheduledScanHandler(t.runtime) as unknown as LambdaHandler)(scheduledEvent, lambdaContext('scheduledScan')), t.logs)), ...t.outputs()];
    },
  },
  {
    name: 'lambda scheduledScan: AccessDenied and 5xx from AWS, sinks refusing, file state',
    run: async (scope) => {
      const t = await awsFunction({
        scope,
        hooks: 'refused',
        fake: { faults: [{ operation: 'ec2:DescribeSecurityGroups', kind: 'access-denied' }, { operation: 'elasticloadbalancing:DescribeTargetHealth', kind: 'server-error' }] },
        config: (_h, dir) => [`state: { type: file, path: ${join(dir, 'state.json')} }`, 'sinks:', ...CHAT_SINKS_YAML],
      });
      return [...(await invoke('scheduledScan', () => (createScheduledScanHandler(t.runtime) as unknown as LambdaHandler)(scheduledEvent, lambdaContext('scheduledScan')), t.logs)), ...t.outputs()];
    },
  },
  {
    name: 'lambda scheduledScan: a sink secret that cannot be resolved, and a configuration read from SSM that holds inline secrets',
    run: async (scope) => {
      const inline = ['sinks:', `  - { type: slack, url: "https://hooks.slack.com${hookPath('slack', S.slackToken)}", minSeverity: critical }`, `  - { type: webhook, url: { env: NOT_SET }, secret: "${S.webhookSecret.replace(/"/g, '\\"')}" }`].join('\n');
      const t = await awsFunction({ scope, config: () => ['sinks:', '  - { type: webhook, url: { env: NOT_SET }, secret: { env: WEBHOOK_SECRET } }'] });
      const first = await invoke('scheduledScan (env)', () => (createScheduledScanHandler(t.runtime) as unknown as LambdaHandler)(scheduledEvent, lambdaContext('scheduledScan')), t.logs);
      const fromSsm = { ...t.runtime, env: { ...t.runtime.env, APIGW_AUDIT_CONFIG: 'ssm:/apigw-audit/config' }, readParameter: async () => inline };
      const badSsm = { ...t.runtime, env: { ...t.runtime.env, APIGW_AUDIT_CONFIG: 'ssm:/apigw-audit/config' }, readParameter: async () => `${inline}\n  - { type: teams, url: "https://x.example/${S.teamsSig}` };
      const denied = {
        ...t.runtime,
        env: { ...t.runtime.env, APIGW_AUDIT_CONFIG: 'ssm:/apigw-audit/config' },
        readParameter: async () => {
          throw Object.assign(new Error(`AccessDenied for ${S.awsKeyId} with token ${S.awsToken}`), { name: 'AccessDeniedException' });
        },
      };
      return [
        ...first,
        ...(await invoke('scheduledScan (ssm)', () => (createScheduledScanHandler(fromSsm) as unknown as LambdaHandler)({ ...scheduledEvent, id: 'b' }, lambdaContext('scheduledScan')), t.logs)),
        ...(await invoke('scheduledScan (ssm, invalid)', () => (createScheduledScanHandler(badSsm) as unknown as LambdaHandler)({ ...scheduledEvent, id: 'c' }, lambdaContext('scheduledScan')), t.logs)),
        ...(await invoke('scheduledScan (ssm, denied)', () => (createScheduledScanHandler(denied) as unknown as LambdaHandler)({ ...scheduledEvent, id: 'd' }, lambdaContext('scheduledScan')), t.logs)),
        ...t.outputs(),
      ];
    },
  },
  {
    name: 'lambda onChange: scoped event, file state, sinks answering; then a malformed and an ignored event',
    run: async (scope) => {
      const t = await awsFunction({ scope, config: (_h, dir) => [`state: { type: file, path: ${join(dir, 'state.json')} }`, 'sinks:', ...CHAT_SINKS_YAML] });
      const handler = createOnChangeHandler(t.runtime) as unknown as LambdaHandler;
      const event = { ...authorizeIngressItemsForm, account: '123456789012', detail: { ...(authorizeIngressItemsForm.detail as object), recipientAccountId: '123456789012' } };
      return [
        ...(await invoke('onChange', () => handler(event, lambdaContext('onChange')), t.logs)),
        ...(await invoke('onChange (malformed)', () => handler({ 'detail-type': 'AWS API Call via CloudTrail', detail: { sessionToken: S.awsToken } }, lambdaContext('onChange')), t.logs)),
        ...t.outputs(),
      ];
    },
  },
  {
    name: 'lambda onChange: transient failures and echoing sinks (thrown for retry)',
    run: async (scope) => {
      const t = await awsFunction({ scope, hooks: 'echo', fake: { faults: [{ operation: 'ec2:DescribeSecurityGroups', kind: 'server-error' }] }, config: () => ['sinks:', ...CHAT_SINKS_YAML] });
      const event = { ...authorizeIngressItemsForm, account: '123456789012', detail: { ...(authorizeIngressItemsForm.detail as object), recipientAccountId: '123456789012' } };
      return [...(await invoke('onChange', () => (createOnChangeHandler(t.runtime) as unknown as LambdaHandler)(event, lambdaContext('onChange')), t.logs)), ...t.outputs()];
    },
  },
  {
    name: 'lambda invoke: direct (document), function URL with the caller’s SigV4 headers, bad requests, failures',
    run: async (scope) => {
      const t = await awsFunction({ scope, config: (_h, dir) => [`state: { type: file, path: ${join(dir, 'state.json')} }`, 'sinks:', ...CHAT_SINKS_YAML] });
      const handler = createInvokeHandler(t.runtime) as unknown as LambdaHandler;
      const signed = {
        authorization: `AWS4-HMAC-SHA256 Credential=${S.awsKeyId}/20240801/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=${'a'.repeat(64)}`,
        'x-amz-security-token': S.awsToken,
        'x-amz-date': '20240801T120000Z',
      };
      const urlEvent = (body: string, method = 'POST') => {
        const e = functionUrlEvent({ body, method, headers: signed }) as Record<string, any>;
        e.requestContext.authorizer.iam.accessKey = S.awsKeyId;
        return e;
      };
      const flaky = await awsFunction({ scope, hooks: 'echo', fake: { faults: [{ operation: 'sts:GetCallerIdentity', kind: 'server-error' }, { operation: 'apigatewayv2:GetVpcLinks', kind: 'server-error' }] }, config: () => ['sinks:', ...CHAT_SINKS_YAML] });
      return [
        ...(await invoke('invoke direct', () => handler({ output: 'document' }, lambdaContext('invoke')), t.logs)),
        ...(await invoke('invoke direct (bad)', () => handler({ mode: S.awsToken }, lambdaContext('invoke')), t.logs)),
        ...(await invoke('invoke URL', () => handler(urlEvent('{"output":"document"}'), lambdaContext('invoke')), t.logs)),
        ...(await invoke('invoke URL (PUT)', () => handler(urlEvent('{}', 'PUT'), lambdaContext('invoke')), t.logs)),
        ...(await invoke('invoke URL (bad body)', () => handler(urlEvent(`{"regions":"${S.awsSecret}"`), lambdaContext('invoke')), t.logs)),
        ...(await invoke('invoke URL (transient)', () => (createInvokeHandler(flaky.runtime) as unknown as LambdaHandler)(urlEvent('{}'), lambdaContext('invoke')), flaky.logs)),
        ...(await invoke('invoke direct (transient)', () => (createInvokeHandler(flaky.runtime) as unknown as LambdaHandler)({}, lambdaContext('invoke')), flaky.logs)),
        ...t.outputs(),
        ...flaky.outputs(),
      ];
    },
  },

  // --- Function Compute handlers (real collectors against the fake POP, OSS state, MNS) -----------
  {
    name: 'fc timer: full audit then an ActionTrail-polled run, OSS state, MNS and chat sinks answering',
    run: async (scope) => {
      const t = await fcFunction({ scope });
      const handler = createTimerHandler(t.runtime);
      const first = await invoke('timer', () => handler(asBuffer(fcTimerEvent), t.context()), t.logs);
      t.ali.actionTrailEvents.push({
        eventId: `evt-${randomUUID()}`,
        eventVersion: '1',
        eventName: 'DeployApi',
        serviceName: 'CloudAPI',
        eventType: 'ApiCall',
        eventRW: 'Write',
        eventTime: new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        acsRegion: ALI_REGION,
        requestId: randomUUID(),
        userIdentity: { type: 'ram-user', userName: 'ops', accessKeyId: S.aliKeyId, sessionContext: { securityToken: S.fcToken } },
        requestParameters: { RegionId: ALI_REGION, GroupId: 'grp-orders', ApiId: 'api-reports', StageName: 'RELEASE', AccessKeySecret: S.aliSecret },
      });
      const second = await invoke('timer (polled)', () => handler(asBuffer({ ...fcTimerEvent, triggerTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }), t.context()), t.logs);
      return [...first, ...second, ...t.outputs()];
    },
  },
  {
    name: 'fc timer: ActionTrail LookupEvents refused and throttled, sinks failing with error bodies quoting the URL',
    run: async (scope) => {
      const t = await fcFunction({ scope, hooks: 'echo', fake: { faults: [{ operation: 'actiontrail:LookupEvents', kind: 'forbidden' }] } });
      const handler = createTimerHandler(t.runtime);
      await invoke('timer (seed)', () => handler(asBuffer(fcTimerEvent), t.context()), t.logs);
      return [...(await invoke('timer (lookup refused)', () => handler(asBuffer({ ...fcTimerEvent, triggerTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }), t.context()), t.logs)), ...t.outputs()];
    },
  },
  {
    name: 'fc timer: the context credentials are refused (SignatureDoesNotMatch) and missing',
    run: async (scope) => {
      const t = await fcFunction({ scope, popCredentials: { ...FC_CREDENTIALS, accessKeySecret: 'what-the-endpoint-expects' }, poll: false });
      const handler = createTimerHandler(t.runtime);
      return [
        ...(await invoke('timer (refused)', () => handler(asBuffer(fcTimerEvent), t.context()), t.logs)),
        ...(await invoke('timer (no credentials)', () => handler(asBuffer(fcTimerEvent), { ...t.context(), credentials: { accessKeyId: S.fcKeyId, securityToken: S.fcToken } }), t.logs)),
        ...t.outputs(),
      ];
    },
  },
  {
    name: 'fc timer: transient POP failures (thrown for retry), and a malformed event',
    run: async (scope) => {
      const t = await fcFunction({ scope, hooks: 'echo', sinks: true, poll: false, fake: { faults: [{ operation: 'apigateway:DescribeInstances', kind: 'server-error' }] } });
      const handler = createTimerHandler(t.runtime);
      return [
        ...(await invoke('timer (transient)', () => handler(asBuffer(fcTimerEvent), t.context()), t.logs)),
        ...(await invoke('timer (malformed)', () => handler(Buffer.from(`tick ${S.fcToken}`), t.context()), t.logs)),
        ...t.outputs(),
      ];
    },
  },
  {
    name: 'fc eventbridge: a batch of ActionTrail events (one malformed), OSS state, sinks answering',
    run: async (scope) => {
      const t = await fcFunction({ scope });
      const handler = createEventBridgeHandler(t.runtime);
      const withCredentials = { ...authorizeSecurityGroupEvent, data: { ...(authorizeSecurityGroupEvent as unknown as { data: object }).data, userIdentity: { accessKeyId: S.fcKeyId, sessionContext: { securityToken: S.fcToken } } } };
      return [
        ...(await invoke('eventbridge', () => handler(asBuffer([withCredentials, { specversion: '1.0', token: S.fcSecret }]), t.context()), t.logs)),
        ...(await invoke('eventbridge (rejected)', () => handler(Buffer.from(`{"secret":"${S.fcSecret}"`), t.context()), t.logs)),
        ...t.outputs(),
      ];
    },
  },
  {
    name: 'fc http: the token header right, wrong and missing; bad requests; failing sinks without state',
    run: async (scope) => {
      const t = await fcFunction({ scope, poll: false });
      const handler = createHttpHandler(t.runtime);
      const headers = (token?: string) => ({ 'content-type': 'application/json', ...(token !== undefined ? { [HTTP_TOKEN_HEADER]: token } : {}), authorization: `acs ${S.fcKeyId}:c2lnbmF0dXJl`, 'x-acs-security-token': S.fcToken });
      const failing = await fcFunction({ scope, hooks: 'echo', poll: false });
      failing.runtime.env = { ...failing.runtime.env, APIGW_AUDIT_CONFIG: ['sinks:', ...CHAT_SINKS_YAML].join('\n') };
      return [
        ...(await invoke('http (token)', () => handler(asBuffer(fcHttpEvent({ body: '{"output":"document"}', headers: headers(S.httpToken) })), t.context()), t.logs)),
        ...(await invoke('http (wrong token)', () => handler(asBuffer(fcHttpEvent({ body: '{}', headers: headers(`${S.httpToken}x`) })), t.context()), t.logs)),
        ...(await invoke('http (truncated token)', () => handler(asBuffer(fcHttpEvent({ body: '{}', headers: headers(S.httpToken.slice(0, 20)) })), t.context()), t.logs)),
        ...(await invoke('http (no token)', () => handler(asBuffer(fcHttpEvent({ body: '{}', headers: headers() })), t.context()), t.logs)),
        ...(await invoke('http (bad body)', () => handler(asBuffer(fcHttpEvent({ body: `{"scope": "${S.fcSecret}"}`, headers: headers(S.httpToken) })), t.context()), t.logs)),
        ...(await invoke('http (sinks failing)', () => createHttpHandler(failing.runtime)(asBuffer(fcHttpEvent({ body: '{}', headers: headers(S.httpToken) })), failing.context()), failing.logs)),
        ...t.outputs(),
        ...failing.outputs(),
      ];
    },
  },

  // --- Every sink's own error paths, with retries (instant clock) ---------------------------------
  ...(['echo', 'bad-request', 'refused', 'ok'] as const).map(
    (mode): Surface => ({
      name: `chat and webhook sinks delivering directly, endpoints ${mode}`,
      run: async (scope) => {
        const hooks = await startHooks(scope, mode);
        const runtime = testClock();
        const sinks: Sink[] = [
          new SlackSink({ url: hooks.urls.slack, runtime }),
          new TeamsSink({ url: hooks.urls.teams, runtime }),
          new DingTalkSink({ url: hooks.urls.dingtalk, secret: S.dingSecret, runtime }),
          new FeishuSink({ url: hooks.urls.feishu, secret: S.feishuSecret, runtime }),
          new WebhookSink({ url: hooks.urls.webhook, secret: S.webhookSecret, runtime }),
        ];
        const out: Captured[] = [];
        for (const sink of sinks) {
          try {
            out.push({ where: `${sink.name} report`, text: JSON.stringify(await sink.deliver(notifications(7), SCAN)) });
          } catch (error) {
            out.push({ where: `${sink.name} thrown`, text: errorText(error) });
          }
        }
        return [...out, ...hooks.bodies()];
      },
    }),
  ),
  {
    name: 'queue and service sinks delivering directly: SQS (denied, 5xx), MNS (5xx, wrong secret, wrong token), Security Hub (throttled, denied)',
    run: async (scope) => {
      const runtime = testClock();
      const sqs = await startFakeSqs({ callFaults: ['access-denied', 'server-error', 'server-error', 'server-error', 'throttle', 'throttle', 'throttle', 'throttle'] });
      const mns = await startFakeMns({ ...ALI_CREDENTIALS, queues: ['apigw-findings'], callFaults: ['server-error', 'qps-limit', 'no-body-500', 'server-error', 'server-error'] });
      const strictMns = await startFakeMns({ ...ALI_CREDENTIALS, accessKeySecret: 'not-this-one', queues: ['apigw-findings'] });
      const tokenMns = await startFakeMns({ ...ALI_CREDENTIALS, securityToken: 'another-token', queues: ['apigw-findings'] });
      const hub = await startFakeSecurityHub({ throttleRequests: 100 });
      const denyingHub = await startFakeSecurityHub({ callerAccount: '999999999999' });
      for (const c of [sqs, mns, strictMns, tokenMns, hub, denyingHub]) scope.defer(() => c.close());
      setProcessEnv(scope, { ...AWS_CREDENTIAL_ENV, ...ALI_CREDENTIAL_ENV });
      const awsCredentials = { accessKeyId: S.awsKeyId, secretAccessKey: S.awsSecret, sessionToken: S.awsToken };
      const mnsCredentials = { getCredentials: async () => ({ ...ALI_CREDENTIALS }) };
      const sinks: Sink[] = [
        new SqsSink({ queueUrl: sqs.queueUrl('apigw-findings'), clientConfig: { endpoint: sqs.url, region: 'us-east-1', credentials: awsCredentials, maxAttempts: 2 }, runtime }),
        new SqsSink({ queueUrl: sqs.queueUrl('missing-queue'), clientConfig: { endpoint: sqs.url, region: 'us-east-1', credentials: awsCredentials, maxAttempts: 1 }, runtime }),
        new MnsSink({ endpoint: mns.url, queue: 'apigw-findings', credentials: mnsCredentials, runtime }),
        new MnsSink({ endpoint: strictMns.url, queue: 'apigw-findings', credentials: mnsCredentials, runtime }),
        new MnsSink({ endpoint: tokenMns.url, queue: 'apigw-findings', credentials: mnsCredentials, runtime }),
        new MnsSink({ endpoint: (await refusedUrl('')).replace(/\/$/, ''), queue: 'apigw-findings', credentials: mnsCredentials, runtime }),
        new SecurityHubSink({ clientConfig: { endpoint: hub.url, credentials: awsCredentials, maxAttempts: 2 } }),
        new SecurityHubSink({ clientConfig: { endpoint: denyingHub.url, credentials: awsCredentials, maxAttempts: 1 } }),
      ];
      const out: Captured[] = [];
      for (const sink of sinks) {
        try {
          out.push({ where: `${sink.name} report`, text: JSON.stringify(await sink.deliver(notifications(12), SCAN)) });
        } catch (error) {
          out.push({ where: `${sink.name} thrown`, text: errorText(error) });
        }
      }
      return out;
    },
  },

  // --- Lambda fan-out: dispatch (Organizations → SQS job queue) and worker (SQS → AssumeRole → scan) --
  {
    name: 'lambda dispatch → SQS job queue → worker: Organizations ListAccounts, AssumeRole issuing session credentials, one member refusing (AccessDenied), DynamoDB state, every sink answering',
    run: async (scope) => {
      const t = await awsFanout({ scope });
      const issuedBefore = ISSUED.aws;
      const dispatch = createLambdaDispatchHandler(t.dispatchRuntime()) as unknown as LambdaHandler;
      const dispatched = await invoke('dispatch', () => dispatch(scheduledEvent, lambdaContext('dispatch')), t.dispatchLogs);
      expect(String(dispatched[0]!.text)).toContain('"status":"dispatched"');
      const worked = await t.work();
      // Not vacuous: sessions were issued (and planted), a member refused, findings were recorded.
      expect(ISSUED.aws).toBeGreaterThan(issuedBefore);
      expect(t.fleet.assumedByAccount[ORG_READABLE]).toBeGreaterThan(0);
      expect(t.workerLogs.join('\n')).toContain('job not audited');
      expect(t.workerLogs.join('\n')).toContain('job finished');
      const outputs = await t.outputs();
      expect(outputs.filter((o) => o.where.startsWith('SQS job message'))).toHaveLength(6);
      return [...dispatched, ...worked, ...outputs];
    },
  },
  {
    name: 'lambda worker: sinks failing with error bodies quoting the URL, AssumeRole refused, malformed job messages carrying secrets, not an SQS event, the state table missing',
    run: async (scope) => {
      const t = await awsFanout({ scope, hooks: 'echo' });
      const job = (account: string, dispatchId: string): ScanJob => ({ v: 1, provider: 'aws', account, region: 'us-east-1', roleArn: `arn:aws:iam::${account}:role/${ORG_ROLE}`, dispatchId });
      const foreign = foreignBodies(S.awsSecret, S.awsToken, 'aws', ORG_READABLE, 'us-east-1');
      const records = [sqsRecord('m-readable', JSON.stringify(job(ORG_READABLE, 'sinks-failing'))), sqsRecord('m-denied', JSON.stringify(job(ORG_DENIED, 'sinks-failing'))), ...foreign.map((body, i) => sqsRecord(`m-foreign-${i}`, body))];
      const captured = [
        ...(await invoke('worker (batch)', () => t.worker({ Records: records }, lambdaContext('worker')), t.workerLogs)),
        ...(await invoke('worker (not an SQS event)', () => t.worker({ Records: S.awsSecret, token: S.awsToken }, lambdaContext('worker')), t.workerLogs)),
      ];
      const logs = t.workerLogs.join('\n');
      expect(logs).toMatch(/deliver:(slack|webhook).*HTTP 500/);
      expect(logs).toContain('job not audited');
      expect(logs).toContain('job message rejected');
      const noTable = await awsFanout({ scope, table: false });
      captured.push(...(await invoke('worker (state table missing)', () => noTable.worker({ Records: [sqsRecord('m-no-table', JSON.stringify(job(ORG_READABLE, 'no-table')))] }, lambdaContext('worker')), noTable.workerLogs)));
      expect(noTable.workerLogs.join('\n')).toContain('job failed');
      return [...captured, ...(await t.outputs()), ...(await noTable.outputs())];
    },
  },
  {
    name: 'lambda dispatch: Organizations refused (not the management account), the SQS job queue failing (5xx and AccessDenied quoting the request), malformed requests',
    run: async (scope) => {
      const refused = await awsFanout({ scope, fleet: { callerAccount: ORG_READABLE } });
      const captured = await invoke('dispatch (Organizations refused)', () => (createLambdaDispatchHandler(refused.dispatchRuntime()) as unknown as LambdaHandler)(scheduledEvent, lambdaContext('dispatch')), refused.dispatchLogs);
      expect(refused.dispatchLogs.join('\n')).toContain('organizations');
      const t = await awsFanout({ scope });
      const awsCredentials = { accessKeyId: S.awsKeyId, secretAccessKey: S.awsSecret, sessionToken: S.awsToken };
      const received: ReceivedRequest[] = [];
      for (const status of [500, 403] as const) {
        const echo = await startEchoingQueue(scope, 'sqs', status);
        const url = new URL(echo.url);
        const runtime = t.dispatchRuntime({
          env: { ...t.env, APIGW_AUDIT_JOB_QUEUE_URL: echo.url },
          sqs: new SQSClient({ region: 'us-east-1', endpoint: url.origin, credentials: awsCredentials, maxAttempts: 2 }),
        });
        captured.push(...(await invoke(`dispatch (job queue ${status})`, () => (createLambdaDispatchHandler(runtime) as unknown as LambdaHandler)(scheduledEvent, lambdaContext('dispatch')), t.dispatchLogs)));
        received.push(...echo.received);
      }
      expect(received.length).toBeGreaterThan(0);
      const dispatch = createLambdaDispatchHandler(t.dispatchRuntime()) as unknown as LambdaHandler;
      captured.push(
        ...(await invoke('dispatch (bad region)', () => dispatch({ regions: ['us-east-1', S.awsToken] }, lambdaContext('dispatch')), t.dispatchLogs)),
        ...(await invoke('dispatch (unknown field)', () => dispatch({ regions: ['us-east-1'], credentials: S.awsSecret }, lambdaContext('dispatch')), t.dispatchLogs)),
        ...(await invoke('dispatch (not an object)', () => dispatch(S.awsSecret, lambdaContext('dispatch')), t.dispatchLogs)),
      );
      return [...captured, ...(await refused.outputs()), ...(await t.outputs())];
    },
  },

  // --- Function Compute fan-out: dispatch (Resource Directory → MNS) and worker (MNS → AssumeRole) --
  {
    name: 'fc fanout dispatch → MNS job queue → worker: Resource Directory ListAccounts, RAM AssumeRole issuing session credentials, one member refusing (NoPermission), OSS state, MNS and chat sinks answering',
    run: async (scope) => {
      const t = await fcFanout({ scope });
      const issuedBefore = ISSUED.alibaba;
      const dispatched = await invoke('fc dispatch', () => createFcDispatchHandler(t.runtime)(asBuffer(FC_FANOUT_TICK), t.context()), t.logs);
      expect(String(dispatched[0]!.text)).toContain('"status":"dispatched"');
      expect(t.jobBodies()).toHaveLength(2);
      const worked = await t.work();
      expect(ISSUED.alibaba).toBeGreaterThan(issuedBefore);
      expect(t.fleet.assumeRoleCalls.map((c) => c.outcome).sort()).toEqual(['NoPermission', 'issued']);
      expect(t.logs.join('\n')).toContain('job finished');
      expect(t.logs.join('\n')).toContain('job not audited');
      return [...dispatched, ...worked, ...t.outputs()];
    },
  },
  {
    name: 'fc fanout worker: sinks failing with error bodies quoting the URL, OSS refusing the signature, malformed MNS job messages carrying secrets',
    run: async (scope) => {
      const t = await fcFanout({ scope, hooks: 'echo' });
      const captured = [...(await invoke('fc dispatch', () => createFcDispatchHandler(t.runtime)(asBuffer(FC_FANOUT_TICK), t.context()), t.logs)), ...(await t.work())];
      expect(t.logs.join('\n')).toMatch(/deliver:(slack|webhook).*HTTP 500/);
      const foreign = foreignBodies(S.fcSecret, S.fcToken, 'alibaba', RD_READABLE, ALI_REGION);
      captured.push(
        ...(await invoke('fc worker (malformed messages)', () => t.worker(asBuffer(foreign.map((body, i) => mnsEvent(body, 100 + i))), t.context()), t.logs)),
        ...(await invoke('fc worker (not an event)', () => t.worker(Buffer.from(`{"messageBody":"${S.fcSecret}"`), t.context()), t.logs)),
        ...(await invoke('fc worker (wrong event type)', () => t.worker(asBuffer([{ ...mnsEvent('{}', 200), type: S.fcToken }]), t.context()), t.logs)),
      );
      const refusing = await fcFanout({ scope, ossRefuses: true });
      const job: ScanJob = { v: 1, provider: 'alibaba', account: RD_READABLE, region: ALI_REGION, roleArn: `acs:ram::${RD_READABLE}:role/${DEFAULT_FLEET_ROLE_NAME}`, dispatchId: 'oss-refuses' };
      captured.push(...(await invoke('fc worker (OSS refusing)', () => refusing.worker(asBuffer([mnsEvent(JSON.stringify(job), 300)]), refusing.context()), refusing.logs)));
      return [...captured, ...t.outputs(), ...refusing.outputs()];
    },
  },
  {
    name: 'fc fanout dispatch: ResourceManager ListAccounts refused, the MNS job queue failing with error bodies echoing the request (5xx, SignatureDoesNotMatch), a missing queue, malformed payloads',
    run: async (scope) => {
      const refused = await fcFanout({ scope, fleet: { faults: [{ operation: 'resourcemanager:ListAccounts', kind: 'forbidden' }] } });
      const captured = await invoke('fc dispatch (ListAccounts refused)', () => createFcDispatchHandler(refused.runtime)(asBuffer(FC_FANOUT_TICK), refused.context()), refused.logs);
      expect(refused.fleet.calls['resourcemanager:ListAccounts']).toBeGreaterThan(0);
      const noDirectory = await fcFanout({ scope, fleet: { resourceDirectory: undefined } as Partial<FakeAlibabaFleetOptions> });
      delete (noDirectory.runtime as { listMembers?: unknown }).listMembers;
      const bare = { ...noDirectory.runtime, listMembers: defaultFanoutRuntime(noDirectory.runtime.env).listMembers! };
      captured.push(...(await invoke('fc dispatch (no resource directory)', () => createFcDispatchHandler(bare)(asBuffer(FC_FANOUT_TICK), noDirectory.context()), noDirectory.logs)));
      const received: ReceivedRequest[] = [];
      for (const status of [500, 403] as const) {
        const echo = await startEchoingQueue(scope, 'mns', status);
        const t = await fcFanout({ scope, jobEndpoint: echo.url });
        captured.push(...(await invoke(`fc dispatch (job queue ${status})`, () => createFcDispatchHandler(t.runtime)(asBuffer(FC_FANOUT_TICK), t.context()), t.logs)));
        received.push(...echo.received);
        captured.push(...t.outputs());
      }
      expect(received.length).toBeGreaterThan(0);
      const t = await fcFanout({ scope });
      const missing = { ...t.runtime, env: { ...t.runtime.env, APIGW_AUDIT_JOB_QUEUE: 'no-such-queue' } };
      const badEndpoint = { ...t.runtime, env: { ...t.runtime.env, APIGW_AUDIT_MNS_ENDPOINT: `https://user:${S.fcSecret}@mns.example/` } };
      captured.push(
        ...(await invoke('fc dispatch (missing queue)', () => createFcDispatchHandler(missing)(asBuffer(FC_FANOUT_TICK), t.context()), t.logs)),
        ...(await invoke('fc dispatch (endpoint with credentials)', () => createFcDispatchHandler(badEndpoint)(asBuffer(FC_FANOUT_TICK), t.context()), t.logs)),
        ...(await invoke('fc dispatch (bad payload)', () => createFcDispatchHandler(t.runtime)(asBuffer({ ...FC_FANOUT_TICK, payload: `{"mode":"fanout","regions":["${S.fcToken}"]}` }), t.context()), t.logs)),
        ...(await invoke('fc dispatch (not JSON)', () => createFcDispatchHandler(t.runtime)(Buffer.from(`tick ${S.fcSecret}`), t.context()), t.logs)),
      );
      return [...captured, ...refused.outputs(), ...noDirectory.outputs(), ...t.outputs()];
    },
  },

  // --- CLI: scan of an organisation / resource directory (in-process fan-out) -----------------------
  {
    name: 'cli scan --config targets[].organization --concurrency 3: AssumeRole issuing session credentials, one member refused (AccessDenied), file state, sinks answering; Organizations refused',
    run: async (scope) => {
      const dir = freshDir('cli-org');
      const fleet = await startFakeAwsFleet({
        estates: [ORG_MANAGEMENT, ORG_READABLE].flatMap((account) => ORG_REGIONS.map((region) => rehomed(exampleAwsEstate(), account, region))),
        callerAccount: ORG_MANAGEMENT,
        deniedAssume: [ORG_DENIED],
        organization: { managementAccount: ORG_MANAGEMENT, accounts: [{ id: ORG_READABLE, name: 'prod' }, { id: ORG_DENIED, name: 'locked' }, { id: ORG_SUSPENDED, name: 'old', state: 'SUSPENDED' }] },
        latencyMs: 0,
      });
      scope.defer(() => fleet.close());
      const notManagement = await startFakeAwsFleet({ estates: [rehomed(exampleAwsEstate(), ORG_READABLE, 'us-east-1')], callerAccount: ORG_READABLE, organization: { managementAccount: ORG_MANAGEMENT, accounts: [{ id: ORG_READABLE, name: 'prod' }] }, latencyMs: 0 });
      scope.defer(() => notManagement.close());
      const hooks = await startHooks(scope, 'ok');
      const queues = await startQueues(scope, ALI_CREDENTIALS);
      const targets = ['targets:', '  - provider: aws', `    regions: [${ORG_REGIONS.join(', ')}]`, `    organization: { roleName: ${ORG_ROLE} }`];
      const config = writeConfig(dir, [...targets, `state: { type: file, path: ${join(dir, 'state.json')} }`, 'sinks:', ...CHAT_SINKS_YAML, ...queues.yaml]);
      const issuedBefore = ISSUED.aws;
      const env = setProcessEnv(scope, { ...AWS_CREDENTIAL_ENV, ...ALI_CREDENTIAL_ENV, AWS_ENDPOINT_URL: fleet.url, ...queues.env, ...hookEnv(hooks) });
      const argv = ['scan', '--provider', 'aws', '--config', config, '--concurrency', '3'];
      const captured = [...(await cli([...argv, '--format', 'json', '--output', join(dir, 'findings.json'), '--report', join(dir, 'report.html')], env)), ...(await cli([...argv, '--format', 'table'], env, true))];
      expect(String(captured[1]!.text)).toMatch(/not audited: aws 100000000002 .*sts:AssumeRole: AccessDenied/);
      expect(ISSUED.aws).toBeGreaterThan(issuedBefore);
      const refusedEnv = setProcessEnv(scope, { ...AWS_CREDENTIAL_ENV, AWS_ENDPOINT_URL: notManagement.url });
      captured.push(...(await cli(['scan', '--provider', 'aws', '--config', writeConfig(freshDir('cli-org-refused'), targets), '--format', 'json'], refusedEnv)));
      expect(String(captured[captured.length - 1]!.text)).toContain('organizations:ListAccounts');
      return [...captured, ...filesUnder(dir), ...hooks.bodies(), ...queues.bodies()];
    },
  },
  {
    name: 'cli scan --config targets[].resourceDirectory --concurrency 2: RAM AssumeRole issuing session credentials, one member refused (NoPermission), OSS state; ListAccounts refused',
    run: async (scope) => {
      const dir = freshDir('cli-rd');
      const fleetOptions = {
        estates: [aliEstateIn(RD_READABLE, ALI_REGION), aliEstateIn(RD_DENIED, ALI_REGION)],
        callerAccount: RD_MANAGEMENT,
        credentials: ALI_CREDENTIALS,
        deniedAssume: [RD_DENIED],
        resourceDirectory: { managementAccount: RD_MANAGEMENT, accounts: [{ id: RD_READABLE, displayName: 'payments', status: 'CreateSuccess' as const }, { id: RD_DENIED, displayName: 'locked-down', status: 'InviteSuccess' as const }] },
        latencyMs: 0,
      };
      const fleet = await startFakeAlibabaFleet(fleetOptions);
      scope.defer(() => fleet.close());
      const refusing = await startFakeAlibabaFleet({ ...fleetOptions, faults: [{ operation: 'resourcemanager:ListAccounts', kind: 'forbidden' }] });
      scope.defer(() => refusing.close());
      const oss = await startFakeOss({ bucket: 'apigw-state', credentials: ALI_CREDENTIALS });
      scope.defer(() => oss.stop());
      const targets = ['targets:', '  - provider: alibaba', `    regions: [${ALI_REGION}]`, `    resourceDirectory: { roleName: ${DEFAULT_FLEET_ROLE_NAME} }`];
      const config = writeConfig(dir, [...targets, `state: { type: oss, bucket: apigw-state, endpoint: "${oss.endpoint}" }`]);
      const issuedBefore = ISSUED.alibaba;
      const env = setProcessEnv(scope, { ...ALI_CREDENTIAL_ENV, ALIBABA_CLOUD_ENDPOINT_URL: fleet.url });
      const captured = await cli(['scan', '--provider', 'alibaba', '--config', config, '--concurrency', '2', '--format', 'json', '--output', join(dir, 'findings.json')], env);
      expect(String(captured[1]!.text)).toContain('NoPermission');
      expect(ISSUED.alibaba).toBeGreaterThan(issuedBefore);
      const refusedEnv = setProcessEnv(scope, { ...ALI_CREDENTIAL_ENV, ALIBABA_CLOUD_ENDPOINT_URL: refusing.url });
      captured.push(...(await cli(['scan', '--provider', 'alibaba', '--config', writeConfig(freshDir('cli-rd-refused'), targets), '--format', 'json'], refusedEnv)));
      return [...captured, ...filesUnder(dir), ...[...oss.objects].map(([key, o]) => ({ where: `OSS object ${key}`, text: o.body }))];
    },
  },
];

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.stop();
});

describe('no secret in any output, log, error, file, state or message', () => {
  it('the detector catches every planted form (raw, URL-encoded, JSON-escaped, base64, a 12-character piece)', () => {
    for (const secret of [S.aliSecret, S.webhookSecret, S.dingToken]) {
      for (const text of [secret, encodeURIComponent(secret), JSON.stringify(secret), Buffer.from(secret).toString('base64'), `x${secret.slice(7, 19)}y`]) {
        expect(leaksIn({ where: 't', text }).length).toBeGreaterThan(0);
      }
    }
    expect(leaksIn({ where: 't', text: 'SECRET-ALI 0123456789abcdef https://hooks.slack.com/services/T0AUDIT/B0AUDIT/[REDACTED]' })).toEqual([]);
  });

  it.each(SURFACES.map((s) => [s.name, s] as const))('%s', async (_name, surface) => {
    const scope = new Scope();
    let captured: Captured[];
    try {
      captured = await surface.run(scope);
    } finally {
      await scope.close();
    }
    expect(captured.length).toBeGreaterThan(0);
    expectNoLeaks(captured);
  });

  it('covers every CLI command, format and handler', () => {
    const names = SURFACES.map((s) => s.name).join('\n');
    for (const needle of ['cli rules', 'cli explain', 'scan --snapshot', 'collect', 'preflight', '--provider aws', '--provider alibaba', 'bin/apigw-audit.js', 'scheduledScan', 'onChange', 'invoke', 'function URL', 'fc timer', 'ActionTrail', 'fc eventbridge', 'fc http', 'AssumeRole', 'SQS', 'MNS', 'Security Hub', 'lambda dispatch', 'lambda worker', 'fc fanout dispatch', 'fc fanout worker', 'targets[].organization', 'targets[].resourceDirectory', '--concurrency']) {
      expect(names).toContain(needle);
    }
    for (const format of FORMATS) expect(names).toContain(`--format ${format}`);
  });
});
