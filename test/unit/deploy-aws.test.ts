/**
 * serverless.yml, packaged for real: bundles the functions, runs `osls package` offline (dummy
 * credentials, no telemetry, no notifications; packaging makes no AWS call) and checks the
 * generated CloudFormation: functions and handlers, the schedule, the CloudTrail rules, the
 * function URL's IAM auth, and each function role's permissions.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AWS_CHANGE_EVENTS, CLOUDTRAIL_DETAIL_TYPE } from '../../lib/events/catalogue';
import { ensureBundled, ROOT } from '../functions/helpers/bundle';
import { AWS_DEAD_LETTER_ACTIONS, AWS_EVENT_SOURCE_ACTIONS, AWS_FANOUT_ACTIONS, AWS_FUNCTION_ROLES, AWS_LOG_ACTIONS, AWS_SINK_ACTIONS } from '../functions/helpers/permissions';
import { zipEntries } from '../functions/helpers/zip';

jest.setTimeout(120_000);

type Resource = { Type: string; Properties: Record<string, any> };
type Template = { Resources: Record<string, Resource>; Outputs?: Record<string, { Value: unknown }> };

const SINK_ACTIONS = Object.keys(AWS_SINK_ACTIONS).sort();
const FUNCTIONS = ['scheduledScan', 'onChange', 'invoke', 'dispatch', 'worker'];

const OSLS = join(ROOT, 'node_modules/osls/bin/serverless.js');

/** `osls package` into `out`, with nothing that could reach AWS or the network. */
async function packageService(out: string, extraArgs: string[] = []): Promise<Template> {
  const home = mkdtempSync(join(tmpdir(), 'osls-home-'));
  try {
    await promisify(execFile)(process.execPath, [OSLS, 'package', '--package', out, '--stage', 'ci', '--region', 'us-east-1', ...extraArgs], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'dummy-secret-for-offline-packaging-only',
        AWS_EC2_METADATA_DISABLED: 'true',
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        SLS_DEPRECATION_DISABLE: '*',
        CI: '1',
      },
      timeout: 90_000,
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

let out: string;
let template: Template;

beforeAll(async () => {
  await ensureBundled();
  out = mkdtempSync(join(tmpdir(), 'osls-package-'));
  template = await packageService(out);
});

afterAll(() => rmSync(out, { recursive: true, force: true }));

function ofType(type: string): Array<[string, Resource]> {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function functionId(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}LambdaFunction`;
}

describe('serverless.yml → CloudFormation (osls package)', () => {
  it('has the five functions, each on Node.js 20 with its bundled handler and the config environment', () => {
    const functions = Object.fromEntries(ofType('AWS::Lambda::Function'));
    expect(Object.keys(functions).sort()).toEqual(FUNCTIONS.map(functionId).sort());
    for (const name of FUNCTIONS) {
      const fn = functions[functionId(name)]!.Properties;
      expect(fn.Handler).toBe(`dist-functions/aws/${name}.handler`);
      expect(fn.Runtime).toBe('nodejs20.x');
      // Only the dispatcher is told where the job queue is.
      const queue = name === 'dispatch' ? ['APIGW_AUDIT_JOB_QUEUE_URL'] : [];
      expect(Object.keys(fn.Environment.Variables).sort()).toEqual(['APIGW_AUDIT_CONFIG', 'APIGW_AUDIT_REGIONS', ...queue].sort());
      // Its own role, declared in the stack (never the framework's shared one).
      expect(fn.Role).toEqual({ 'Fn::GetAtt': [AWS_FUNCTION_ROLES[name], 'Arn'] });
    }
    expect(functions.DispatchLambdaFunction!.Properties.Environment.Variables.APIGW_AUDIT_JOB_QUEUE_URL).toEqual({ Ref: 'AuditJobQueue' });
  });

  it('packages each function as its own bundle only', () => {
    for (const name of FUNCTIONS) {
      expect(zipEntries(readFileSync(join(out, `${name}.zip`)))).toEqual([`dist-functions/aws/${name}.js`]);
    }
  });

  /** Schedule rules by target function: expression and state. */
  function schedules(t: Template): Record<string, { expression: string; state: string }> {
    return Object.fromEntries(
      Object.values(t.Resources)
        .filter((r) => r.Type === 'AWS::Events::Rule' && r.Properties.ScheduleExpression)
        .map((r) => [r.Properties.Targets[0].Arn['Fn::GetAtt'][0] as string, { expression: r.Properties.ScheduleExpression as string, state: r.Properties.State as string }]),
    );
  }

  it('runs scheduledScan every 6 hours by default, configurable by parameter; the fan-out schedule is off', async () => {
    expect(schedules(template)).toEqual({
      ScheduledScanLambdaFunction: { expression: 'rate(6 hours)', state: 'ENABLED' },
      DispatchLambdaFunction: { expression: 'rate(6 hours)', state: 'DISABLED' },
    });

    const other = mkdtempSync(join(tmpdir(), 'osls-package-'));
    try {
      const changed = await packageService(other, ['--param=scanSchedule=rate(1 hour)']);
      expect(Object.values(schedules(changed)).map((s) => s.expression)).toEqual(['rate(1 hour)', 'rate(1 hour)']);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('with fanout=true the schedule runs dispatch instead of scheduledScan (never both), workerConcurrency applies', async () => {
    const other = mkdtempSync(join(tmpdir(), 'osls-package-'));
    try {
      const fanout = await packageService(other, ['--param=fanout=true', '--param=workerConcurrency=20', '--param=memberRoleName=AuditReader']);
      expect(schedules(fanout)).toEqual({
        ScheduledScanLambdaFunction: { expression: 'rate(6 hours)', state: 'DISABLED' },
        DispatchLambdaFunction: { expression: 'rate(6 hours)', state: 'ENABLED' },
      });
      const mapping = Object.values(fanout.Resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping')!;
      expect(Number(mapping.Properties.ScalingConfig.MaximumConcurrency)).toBe(20);
      const statements = fanout.Resources.WorkerRole!.Properties.Policies[0].PolicyDocument.Statement as Array<{ Action: string[]; Resource: unknown }>;
      expect(statements.find((s) => s.Action.includes('sts:AssumeRole'))!.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/AuditReader']] });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('feeds the worker from an encrypted job queue: batch size 1, capped concurrency, partial batch failures, a dead-letter queue after 3 receives', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    expect(mappings).toEqual([
      {
        BatchSize: 1,
        EventSourceArn: { 'Fn::GetAtt': ['AuditJobQueue', 'Arn'] },
        FunctionName: { 'Fn::GetAtt': ['WorkerLambdaFunction', 'Arn'] },
        Enabled: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 5 },
      },
    ]);
    const queue = template.Resources.AuditJobQueue!;
    expect(queue.Type).toBe('AWS::SQS::Queue');
    const worker = template.Resources.WorkerLambdaFunction!.Properties;
    // AWS: at least six times the function timeout for an SQS event source.
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker.Timeout);
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['AuditJobDeadLetterQueue', 'Arn'] }, maxReceiveCount: 3 });
    const dlq = template.Resources.AuditJobDeadLetterQueue!.Properties;
    expect(dlq).toMatchObject({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true, RedriveAllowPolicy: { redrivePermission: 'byQueue' } });
    // Member roles trust the worker's role: the one that assumes them.
    expect(template.Outputs?.AuditorRoleArn?.Value).toEqual({ 'Fn::GetAtt': ['WorkerRole', 'Arn'] });
  });

  it('routes exactly the catalogued CloudTrail calls of the four services to onChange, failed calls excluded', () => {
    const rules = ofType('AWS::Events::Rule')
      .map(([, r]) => r.Properties)
      .filter((p) => p.EventPattern);
    expect(rules).toHaveLength(Object.keys(AWS_CHANGE_EVENTS).length);
    const bySource = Object.fromEntries(rules.map((p) => [p.EventPattern.source[0], p]));
    for (const [source, { eventSource, eventNames }] of Object.entries(AWS_CHANGE_EVENTS)) {
      const rule = bySource[source];
      expect(rule).toBeDefined();
      expect(rule.EventPattern).toEqual({
        source: [source],
        'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
        detail: { eventSource: [eventSource], eventName: [...eventNames], errorCode: [{ exists: false }] },
      });
      expect(rule.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': ['OnChangeLambdaFunction', 'Arn'] } })]);
    }
  });

  it('exposes invoke through a function URL with AWS_IAM auth only', () => {
    const urls = ofType('AWS::Lambda::Url').map(([, r]) => r.Properties);
    expect(urls).toEqual([{ AuthType: 'AWS_IAM', TargetFunctionArn: { 'Fn::GetAtt': ['InvokeLambdaFunction', 'Arn'] } }]);
    // No permission opens the URL to unauthenticated callers.
    for (const [, permission] of ofType('AWS::Lambda::Permission')) {
      expect(permission.Properties.FunctionUrlAuthType).not.toBe('NONE');
      expect(permission.Properties.Principal).not.toBe('*');
    }
  });

  it('lets the platform retry only a bounded number of times', () => {
    const configs = Object.fromEntries(ofType('AWS::Lambda::EventInvokeConfig').map(([, r]) => [r.Properties.FunctionName.Ref, r.Properties]));
    expect(configs.ScheduledScanLambdaFunction.MaximumRetryAttempts).toBe(1);
    expect(configs.OnChangeLambdaFunction).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
    expect(configs.InvokeLambdaFunction.MaximumRetryAttempts).toBe(1);
    expect(configs.DispatchLambdaFunction.MaximumRetryAttempts).toBe(2);
    // The worker is invoked synchronously by its event source mapping: the queue's redrive bounds it.
    expect(configs.WorkerLambdaFunction).toBeUndefined();
  });

  type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown };
  const statementsOf = (roleId: string): Statement[] =>
    (template.Resources[roleId]!.Properties.Policies ?? []).flatMap((p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement);
  const roleOf = (name: string): string => AWS_FUNCTION_ROLES[name]!;
  const FINDINGS_QUEUE = { 'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, 'sqs', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, 'apigw-audit-findings']] };

  it('declares one role per kind of function, each trusted by Lambda only; the framework creates no shared role', () => {
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    const roles = ofType('AWS::IAM::Role').map(([id]) => id);
    expect(roles.sort()).toEqual([...new Set(Object.values(AWS_FUNCTION_ROLES))].sort());
    for (const id of roles) {
      const role = template.Resources[id]!.Properties;
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }]);
      // No permissions boundary or managed policy beyond the read policy; every statement allows.
      expect(Object.keys(role).sort()).toEqual(['AssumeRolePolicyDocument', 'Policies', ...(role.ManagedPolicyArns ? ['ManagedPolicyArns'] : [])].sort());
      for (const s of statementsOf(id)) expect(s.Effect).toBe('Allow');
    }
    // Every role is used by a function.
    const used = new Set(ofType('AWS::Lambda::Function').map(([, r]) => r.Properties.Role['Fn::GetAtt'][0] as string));
    expect([...used].sort()).toEqual(roles.sort());
  });

  it('attaches the read policy verbatim to the roles of the functions that audit, not to dispatch', () => {
    const policy = JSON.parse(readFileSync(join(ROOT, 'policies/aws-iam-policy.json'), 'utf8')) as unknown;
    const managed = ofType('AWS::IAM::ManagedPolicy');
    expect(managed).toHaveLength(1);
    const [readPolicyId, readPolicy] = managed[0]!;
    expect(readPolicy.Properties.PolicyDocument).toEqual(policy);
    for (const name of FUNCTIONS) {
      const attached = template.Resources[roleOf(name)]!.Properties.ManagedPolicyArns;
      expect({ name, attached }).toEqual({ name, attached: name === 'dispatch' ? undefined : [{ Ref: readPolicyId }] });
    }
  });

  it('lets each function write its logs to its own log group only', () => {
    for (const roleId of new Set(Object.values(AWS_FUNCTION_ROLES))) {
      const logging = statementsOf(roleId).filter((s) => list(s.Action).some((a) => a.startsWith('logs:')));
      expect(logging).toHaveLength(1);
      expect(list(logging[0]!.Action).sort()).toEqual(AWS_LOG_ACTIONS);
      const functions = FUNCTIONS.filter((name) => roleOf(name) === roleId);
      const groups = functions.map((name) => `${name.charAt(0).toUpperCase()}${name.slice(1)}LogGroup`);
      expect(logging[0]!.Resource).toEqual(groups.map((g) => ({ 'Fn::GetAtt': [g, 'Arn'] })));
      functions.forEach((name, i) => {
        expect(template.Resources[groups[i]!]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: `/aws/lambda/apigw-private-auditor-ci-${name}` } });
        expect(template.Resources[functionId(name)]!.Properties.FunctionName).toBe(`apigw-private-auditor-ci-${name}`);
      });
    }
  });

  it('lets every function with a dead-letter queue send to it, and the worker\'s event source poll its queue, on those queues only', () => {
    for (const name of FUNCTIONS) {
      const dlq = template.Resources[functionId(name)]!.Properties.DeadLetterConfig;
      const sends = statementsOf(roleOf(name)).filter((s) => JSON.stringify(s.Resource) === JSON.stringify(dlq?.TargetArn));
      if (name === 'worker') {
        expect(dlq).toBeUndefined();
        continue;
      }
      expect(dlq).toEqual({ TargetArn: { 'Fn::GetAtt': ['AuditFailureQueue', 'Arn'] } });
      expect(sends).toEqual([expect.objectContaining({ Action: AWS_DEAD_LETTER_ACTIONS })]);
    }
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r);
    expect(mappings).toHaveLength(1);
    for (const mapping of mappings) {
      const roleId = roleOf('worker');
      expect(mapping.Properties.FunctionName).toEqual({ 'Fn::GetAtt': [functionId('worker'), 'Arn'] });
      // Created only once the role (and its polling permission) exists.
      expect((mapping as unknown as { DependsOn: string[] }).DependsOn).toContain(roleId);
      const polling = Object.values(AWS_FUNCTION_ROLES).flatMap((id) => statementsOf(id)).filter((s) => list(s.Action).some((a) => AWS_EVENT_SOURCE_ACTIONS.includes(a)));
      expect(polling).toEqual([expect.objectContaining({ Resource: mapping.Properties.EventSourceArn })]);
      expect(list(polling[0]!.Action).sort()).toEqual(AWS_EVENT_SOURCE_ACTIONS);
      expect(statementsOf(roleId)).toContain(polling[0]);
    }
  });

  it('grants each role exactly its functions\' sink writes and fan-out calls, each scoped to its resource', () => {
    const SINKS = SINK_ACTIONS.filter((a) => a !== 'sqs:SendMessage');
    const expected: Record<string, string[]> = {
      AuditorRole: SINK_ACTIONS,
      DispatchRole: ['organizations:ListAccounts', 'sqs:SendMessage', 'ssm:GetParameter'],
      WorkerRole: [...SINK_ACTIONS, 'sts:AssumeRole'],
    };
    const platform = (s: Statement) => list(s.Action).every((a) => a.startsWith('logs:') || AWS_EVENT_SOURCE_ACTIONS.includes(a));
    for (const [roleId, actions] of Object.entries(expected)) {
      const granted = statementsOf(roleId).filter((s) => !platform(s));
      expect({ roleId, actions: [...new Set(granted.flatMap((s) => list(s.Action)))].sort() }).toEqual({ roleId, actions: [...actions].sort() });
      // Each grant is scoped to its resource, never "*" — except ListAccounts, which supports no resource-level permission.
      for (const s of granted) {
        if (list(s.Action).includes('organizations:ListAccounts')) {
          expect(s).toMatchObject({ Action: ['organizations:ListAccounts'], Resource: '*' });
          continue;
        }
        expect(s.Resource).not.toBe('*');
        expect(JSON.stringify(s.Resource)).not.toMatch(/"\*"/);
      }
      // The sink grants other than the queue sends carry the same resource in every role that has them.
      for (const action of SINKS.filter((a) => actions.includes(a))) {
        expect({ roleId, action, resource: granted.find((s) => list(s.Action).includes(action))!.Resource }).toEqual({
          roleId,
          action,
          resource: statementsOf('AuditorRole').find((s) => list(s.Action).includes(action))!.Resource,
        });
      }
    }
    const sendsTo = (roleId: string) => statementsOf(roleId).filter((s) => list(s.Action).includes('sqs:SendMessage')).map((s) => s.Resource);
    // Findings sink and the dead-letter queue; the job queue from dispatch only; the worker has no onError.
    expect(sendsTo('AuditorRole')).toEqual([FINDINGS_QUEUE, { 'Fn::GetAtt': ['AuditFailureQueue', 'Arn'] }]);
    expect(sendsTo('DispatchRole')).toEqual([{ 'Fn::GetAtt': ['AuditJobQueue', 'Arn'] }, { 'Fn::GetAtt': ['AuditFailureQueue', 'Arn'] }]);
    expect(sendsTo('WorkerRole')).toEqual([FINDINGS_QUEUE]);
    for (const s of Object.values(AWS_FUNCTION_ROLES).flatMap((id) => statementsOf(id))) {
      if (list(s.Action).includes('sqs:SendMessage')) expect(s.Action).toEqual(['sqs:SendMessage']);
    }
    // sts:AssumeRole only into the member role, by name, and only by the worker.
    expect(statementsOf('WorkerRole').find((s) => list(s.Action).includes('sts:AssumeRole'))).toMatchObject({
      Action: ['sts:AssumeRole'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/ApigwAuditorRead']] },
    });
    // No role holds a fan-out action other than the one its function calls.
    const fanout = (roleId: string) => statementsOf(roleId).flatMap((s) => list(s.Action)).filter((a) => a in AWS_FANOUT_ACTIONS);
    expect({ auditor: fanout('AuditorRole'), dispatch: fanout('DispatchRole'), worker: fanout('WorkerRole') }).toEqual({
      auditor: [],
      dispatch: ['organizations:ListAccounts'],
      worker: ['sts:AssumeRole'],
    });
  });
});

describe('examples/member-role.yaml (the member-account role)', () => {
  type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };
  const member = parseYaml(readFileSync(join(ROOT, 'examples/member-role.yaml'), 'utf8')) as {
    Parameters: Record<string, { Default?: string; AllowedPattern?: string }>;
    Conditions: Record<string, unknown>;
    Resources: Record<string, Resource>;
  };
  const policy = JSON.parse(readFileSync(join(ROOT, 'policies/aws-iam-policy.json'), 'utf8')) as { Statement: Statement[] };
  const roles = Object.values(member.Resources).filter((r) => r.Type === 'AWS::IAM::Role');

  it('is one role, named by a parameter defaulting to ApigwAuditorRead (the auditor\'s memberRoleName default)', () => {
    expect(Object.keys(member.Resources)).toHaveLength(1);
    expect(roles).toHaveLength(1);
    expect(roles[0]!.Properties.RoleName).toEqual({ Ref: 'RoleName' });
    expect(member.Parameters.RoleName!.Default).toBe('ApigwAuditorRead');
    const serverless = parseYaml(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as { params: { default: Record<string, unknown> } };
    expect(serverless.params.default.memberRoleName).toBe(member.Parameters.RoleName!.Default);
  });

  it('carries exactly the read actions and resources of policies/aws-iam-policy.json', () => {
    const statements = (roles[0]!.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap((p) => p.PolicyDocument.Statement);
    const actions = (xs: Statement[]) => xs.flatMap((s) => list(s.Action)).sort();
    expect(actions(statements)).toEqual(actions(policy.Statement));
    // Same statements, the partition taken from the stack (`Fn::Sub: arn:${AWS::Partition}:…`).
    const resolved = (resource: unknown): unknown =>
      Array.isArray(resource) ? resource.map(resolved) : resource && typeof resource === 'object' && 'Fn::Sub' in resource ? String((resource as { 'Fn::Sub': string })['Fn::Sub']).replace('${AWS::Partition}', 'aws') : resource;
    expect(statements.map((s) => ({ ...s, Resource: resolved(s.Resource) }))).toEqual(policy.Statement);
    for (const s of statements) expect(s.Effect).toBe('Allow');
  });

  it('trusts only the auditor role (a parameter), with the external id condition when one is given', () => {
    const trust = roles[0]!.Properties.AssumeRolePolicyDocument.Statement as Statement[];
    expect(trust).toEqual([
      {
        Sid: 'AuditorAssumesRole',
        Effect: 'Allow',
        Principal: { AWS: { Ref: 'AuditorRoleArn' } },
        Action: 'sts:AssumeRole',
        Condition: { 'Fn::If': ['HasExternalId', { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } }, { Ref: 'AWS::NoValue' }] },
      },
    ]);
    expect(member.Conditions.HasExternalId).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ExternalId' }, ''] }] });
    expect(new RegExp(member.Parameters.AuditorRoleArn!.AllowedPattern!).test('arn:aws:iam::111122223333:role/apigw-private-auditor-prod-eu-west-1-lambdaRole')).toBe(true);
    expect(new RegExp(member.Parameters.AuditorRoleArn!.AllowedPattern!).test('*')).toBe(false);
    expect(member.Parameters.ExternalId!.Default).toBe('');
  });
});
