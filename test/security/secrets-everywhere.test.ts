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

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { main } from '../../bin/cli';
import { createEventBridgeHandler, createHttpHandler, createTimerHandler, defaultAlibabaRuntime, HTTP_TOKEN_HEADER, type AlibabaRuntime, type FcContext } from '../../functions/alibaba/index';
import { createInvokeHandler } from '../../functions/aws/invoke';
import { createOnChangeHandler } from '../../functions/aws/onChange';
import { createScheduledScanHandler } from '../../functions/aws/scheduledScan';
import { defaultAwsRuntime, type AwsRuntime } from '../../functions/shared/aws-runtime';
import { collectAlibabaRegion } from '../../lib/collect/alibaba/collect-region';
import { assumeRoleCredentials, environmentCredentials, functionComputeCredentials, type AlibabaCredentials } from '../../lib/collect/alibaba/credentials';
import { createStateTable } from '../../lib/state/dynamodb-store';
import { DingTalkSink, FeishuSink, MnsSink, SecurityHubSink, SlackSink, SqsSink, TeamsSink, WebhookSink } from '../../lib/sinks/index';
import type { Sink } from '../../lib/state/types';
import { DEFAULT_FLEET_ROLE_NAME, startFakeAlibabaFleet } from '../fakes/alibaba/fleet';
import { startFakeAlibaba, type FakeAliOptions } from '../fakes/alibaba/server';
import { startFakeAws, type FakeAwsOptions } from '../fakes/aws/server';
import { startFakeOss } from '../fakes/oss/server';
import { startFakeSecurityHub } from '../fakes/securityhub/server';
import { startChatReceiver, type ChatKind, type ChatReceiver } from '../fakes/sinks/chat';
import { notifications, SCAN, testClock } from '../fakes/sinks/fixtures';
import { refusedUrl, startLoopback, type Loopback, type ReceivedRequest } from '../fakes/sinks/loopback';
import { startFakeMns } from '../fakes/sinks/mns';
import { startFakeSqs } from '../fakes/sinks/sqs';
import { exampleAlibabaEstate } from '../helpers/alibaba-example-estate';
import { captureIo } from '../helpers/cli-io';
import { startDynalite, type Dynalite } from '../helpers/dynalite';
import { exampleAwsEstate } from '../helpers/example-estate';
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
async function startQueues(scope: Scope, credentials: AlibabaCredentials & { securityToken: string }, failing = false) {
  const sqs = await startFakeSqs(failing ? { callFaults: ['access-denied', 'server-error', 'server-error', 'server-error'] } : {});
  const mns = await startFakeMns({ ...credentials, queues: ['apigw-findings'], ...(failing ? { callFaults: ['server-error', 'server-error', 'server-error', 'server-error', 'server-error'] } : {}) });
  const hub = await startFakeSecurityHub(failing ? { throttleRequests: 100 } : {});
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
    for (const needle of ['cli rules', 'cli explain', 'scan --snapshot', 'collect', 'preflight', '--provider aws', '--provider alibaba', 'bin/apigw-audit.js', 'scheduledScan', 'onChange', 'invoke', 'function URL', 'fc timer', 'ActionTrail', 'fc eventbridge', 'fc http', 'AssumeRole', 'SQS', 'MNS', 'Security Hub']) {
      expect(names).toContain(needle);
    }
    for (const format of FORMATS) expect(names).toContain(`--format ${format}`);
  });
});
