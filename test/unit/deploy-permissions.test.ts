/**
 * Least privilege, proven against what is deployed: the esbuild metafile lists every AWS SDK
 * command module inside each Lambda bundle, and the Function Compute bundle carries every POP
 * (product, action) pair it can call as string literals. Those sets must equal the read actions
 * of the shipped policies (plus the declared sink writes), and every granted read must be a read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ensureBundled, DIST, ROOT } from '../functions/helpers/bundle';
import {
  ALIBABA_WRITE_ACTIONS,
  AWS_ACTION_OF_COMMAND,
  AWS_DEAD_LETTER_ACTIONS,
  AWS_EVENT_SOURCE_ACTIONS,
  AWS_FANOUT_ACTIONS,
  AWS_FUNCTION_ROLES,
  AWS_IAM_PREFIX,
  AWS_LOG_ACTIONS,
  AWS_SINK_ACTIONS,
} from '../functions/helpers/permissions';

jest.setTimeout(60_000);

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;

/** sts:GetCallerIdentity is allowed for every principal; no policy grants it. */
const NEEDS_NO_PERMISSION = new Set(['sts:GetCallerIdentity']);

/**
 * Identity-provider calls of the AWS SDK's default credential chain (web identity, SSO, login).
 * Lambda resolves the function role from the environment first, so these never run there, and
 * they act on the identity providers, not on the audited resources.
 */
const CREDENTIAL_CHAIN_SUBMODULES = new Set(['sts', 'sso', 'sso-oidc', 'signin', 'cognito-identity']);

let meta: Metafile;

beforeAll(async () => {
  await ensureBundled();
  meta = JSON.parse(readFileSync(join(DIST, 'meta.json'), 'utf8')) as Metafile;
});

function bundles(prefix: string): string[] {
  return Object.keys(meta.outputs).filter((o) => o.startsWith(`dist-functions/${prefix}`) && o.endsWith('.js'));
}

const CLIENT_COMMAND = /node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\/dist-(?:es|cjs)\/commands\/([A-Za-z0-9]+)Command\.js$/;
const NESTED_COMMAND = /node_modules\/@aws-sdk\/nested-clients\/dist-(?:es|cjs)\/submodules\/([a-z0-9-]+)\/commands\/([A-Za-z0-9]+)Command\.js$/;

/**
 * The fan-out worker's role assumption (lib/collect/aws/assume-role.ts → the SDK's temporary
 * credentials provider). Its STS AssumeRoleCommand comes from the nested STS client that every
 * bundle already carries for the default credential chain, so the command alone cannot tell: the
 * module that calls it can.
 */
const ASSUME_ROLE_MODULE = 'lib/collect/aws/assume-role.ts';

/** IAM actions of the SDK commands bundled into `output`, and the credential-chain ones apart. */
function awsActionsOf(output: string): { actions: Set<string>; credentialChain: string[]; unknown: string[] } {
  const actions = new Set<string>();
  const credentialChain: string[] = [];
  const unknown: string[] = [];
  for (const input of Object.keys(meta.outputs[output]!.inputs)) {
    if (input === ASSUME_ROLE_MODULE) actions.add('sts:AssumeRole');
    const client = CLIENT_COMMAND.exec(input);
    if (client) {
      const [, pkg, command] = client as unknown as [string, string, string];
      const prefix = AWS_IAM_PREFIX[pkg];
      if (!prefix) {
        unknown.push(`${pkg}:${command}`);
        continue;
      }
      // API Gateway management calls are authorized by HTTP verb and path: every read is a GET.
      const action = prefix === 'apigateway' ? (command.startsWith('Get') ? 'apigateway:GET' : `apigateway:${command}`) : `${prefix}:${command}`;
      actions.add(AWS_ACTION_OF_COMMAND[action] ?? action);
      continue;
    }
    const nested = NESTED_COMMAND.exec(input);
    if (nested) credentialChain.push(`${nested[1]}:${nested[2]}`);
  }
  return { actions, credentialChain, unknown };
}

describe('AWS: the Lambda bundles call exactly the granted actions', () => {
  const policy = readJson<{ Statement: Statement[] }>('policies/aws-iam-policy.json');
  const granted = new Set(policy.Statement.flatMap((s) => list(s.Action)));
  type Role = { Type: string; Properties: { ManagedPolicyArns?: unknown[]; Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }>; PolicyDocument?: unknown } };
  type Fn = { role?: unknown; onError?: unknown; events?: Array<Record<string, unknown>> };
  const serverless = parseYaml(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as {
    provider: { iam?: unknown; role?: unknown };
    functions: Record<string, Fn>;
    resources: { Resources: Record<string, Role> };
  };
  const roleIds = [...new Set(Object.values(AWS_FUNCTION_ROLES))];
  const inlineOf = (roleId: string): Statement[] => (serverless.resources.Resources[roleId]!.Properties.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement);
  /** Everything a role allows: its inline statements plus the read policy when attached. */
  function roleGrants(roleId: string): Set<string> {
    const role = serverless.resources.Resources[roleId]!.Properties;
    const reads = (role.ManagedPolicyArns ?? []).some((arn) => JSON.stringify(arn) === JSON.stringify({ Ref: 'AuditorReadPolicy' })) ? [...granted] : [];
    return new Set([...reads, ...inlineOf(roleId).flatMap((s) => list(s.Action))]);
  }
  /** What the platform does with a function's role: its logs, its dead-letter send, its event source's polling. */
  function platformNeeds(name: string): string[] {
    const fn = serverless.functions[name]!;
    return [
      ...AWS_LOG_ACTIONS,
      ...(fn.onError ? AWS_DEAD_LETTER_ACTIONS : []),
      ...((fn.events ?? []).some((e) => 'sqs' in e) ? AWS_EVENT_SOURCE_ACTIONS : []),
    ];
  }
  const called = (name: string): string[] => [...awsActionsOf(`dist-functions/aws/${name}.js`).actions].filter((a) => !NEEDS_NO_PERMISSION.has(a));
  // The writes and fan-out calls granted inline (besides what the platform does with the roles).
  const platform = new Set([...AWS_LOG_ACTIONS, ...AWS_EVENT_SOURCE_ACTIONS]);
  const sinkGrants = new Set(roleIds.flatMap((id) => inlineOf(id).flatMap((s) => list(s.Action))).filter((a) => !platform.has(a)));
  const fanoutGrants = new Set(Object.keys(AWS_FANOUT_ACTIONS));
  const declared = [...new Set([...Object.keys(AWS_SINK_ACTIONS), ...fanoutGrants])].sort();

  it('serverless.yml gives every function its own declared role, attaches policies/aws-iam-policy.json itself and grants exactly the declared sink writes and fan-out calls inline', () => {
    // No shared role of the framework: neither a provider role nor provider statements.
    expect(serverless.provider.iam).toBeUndefined();
    expect(serverless.provider.role).toBeUndefined();
    expect(Object.keys(serverless.functions).sort()).toEqual(Object.keys(AWS_FUNCTION_ROLES).sort());
    for (const [name, roleId] of Object.entries(AWS_FUNCTION_ROLES)) {
      expect({ name, role: serverless.functions[name]!.role }).toEqual({ name, role: { 'Fn::GetAtt': [roleId, 'Arn'] } });
      expect(serverless.resources.Resources[roleId]!.Type).toBe('AWS::IAM::Role');
    }
    for (const roleId of roleIds) {
      // The read policy verbatim, or nothing managed at all (no AWS-managed policy, no other one).
      expect([[], [{ Ref: 'AuditorReadPolicy' }]]).toContainEqual(serverless.resources.Resources[roleId]!.Properties.ManagedPolicyArns ?? []);
    }
    expect(serverless.resources.Resources.AuditorReadPolicy).toEqual({
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: expect.objectContaining({ PolicyDocument: '${file(./policies/aws-iam-policy.json)}' }),
    });
    expect([...sinkGrants].sort()).toEqual(declared);
  });

  it.each(Object.entries(AWS_FUNCTION_ROLES))('%s: its role (%s) grants exactly what its bundle calls plus what the platform does with it', (name, roleId) => {
    expect([...roleGrants(roleId)].sort()).toEqual([...new Set([...called(name), ...platformNeeds(name)])].sort());
  });

  it.each(Object.entries(AWS_FUNCTION_ROLES))('%s: its role (%s) holds no fan-out action its bundle does not call', (name, roleId) => {
    const calls = called(name);
    expect([...roleGrants(roleId)].filter((a) => fanoutGrants.has(a) && !calls.includes(a))).toEqual([]);
  });

  it('only the functions that audit hold the collectors\' reads: dispatch holds none', () => {
    for (const [name, roleId] of Object.entries(AWS_FUNCTION_ROLES)) {
      const reads = [...roleGrants(roleId)].filter((a) => granted.has(a));
      expect({ name, reads: reads.length }).toEqual({ name, reads: name === 'dispatch' ? 0 : granted.size });
    }
  });

  it('every granted read is a read', () => {
    for (const action of granted) expect(action).toMatch(/^(apigateway:GET|[a-z0-9-]+:(Describe|Get|List)[A-Za-z]+)$/);
  });

  it.each(['aws/scheduledScan', 'aws/onChange', 'aws/invoke'])('%s: its SDK commands are the granted reads plus sink writes, nothing more', (name) => {
    const output = `dist-functions/${name}.js`;
    expect(bundles('aws')).toContain(output);
    const { actions, credentialChain, unknown } = awsActionsOf(output);
    expect(unknown).toEqual([]);
    for (const call of credentialChain) expect(CREDENTIAL_CHAIN_SUBMODULES).toContain(call.split(':')[0]);
    const reads = [...actions].filter((a) => !NEEDS_NO_PERMISSION.has(a) && !sinkGrants.has(a));
    const writes = [...actions].filter((a) => sinkGrants.has(a));
    // Exactly the policy: nothing granted that the code cannot call, nothing called that is not granted.
    expect(reads.sort()).toEqual([...granted].sort());
    for (const action of writes) expect(Object.keys(AWS_SINK_ACTIONS)).toContain(action);
    // The fan-out's calls are not theirs: neither the organisation's members nor member roles.
    expect(writes.filter((a) => fanoutGrants.has(a))).toEqual([]);
  });

  it('aws/worker: scheduledScan\'s reads and sink writes, plus sts:AssumeRole into the member role', () => {
    const { actions, credentialChain, unknown } = awsActionsOf('dist-functions/aws/worker.js');
    expect(unknown).toEqual([]);
    for (const call of credentialChain) expect(CREDENTIAL_CHAIN_SUBMODULES).toContain(call.split(':')[0]);
    const reads = [...actions].filter((a) => !NEEDS_NO_PERMISSION.has(a) && !sinkGrants.has(a));
    expect(reads.sort()).toEqual([...granted].sort());
    const others = [...actions].filter((a) => sinkGrants.has(a));
    expect(others.filter((a) => fanoutGrants.has(a))).toEqual(['sts:AssumeRole']);
    for (const action of others.filter((a) => !fanoutGrants.has(a))) expect(Object.keys(AWS_SINK_ACTIONS)).toContain(action);
  });

  it('aws/dispatch: Organizations ListAccounts, the job queue send and the ssm: configuration, no audited-account read', () => {
    const { actions, unknown } = awsActionsOf('dist-functions/aws/dispatch.js');
    expect(unknown).toEqual([]);
    expect([...actions].filter((a) => !NEEDS_NO_PERMISSION.has(a)).sort()).toEqual(['organizations:ListAccounts', 'sqs:SendMessage', 'ssm:GetParameter']);
  });

  it('every inline grant is called by some bundle (nothing granted that no function calls)', () => {
    const called = new Set(bundles('aws').flatMap((output) => [...awsActionsOf(output).actions]));
    expect(declared.filter((action) => !called.has(action))).toEqual([]);
  });

  it('every bundle stays within the 2 MB budget', () => {
    for (const output of [...bundles('aws'), ...bundles('alibaba')]) {
      const bytes = Object.values(meta.outputs[output]!.inputs).reduce((sum, input) => sum + input.bytesInOutput, 0);
      expect({ output, withinBudget: bytes <= 2 * 1024 * 1024 }).toEqual({ output, withinBudget: true });
    }
  });
});

describe('Alibaba Cloud: the FC bundle calls exactly the RAM policy actions', () => {
  const ram = readJson<{ Statement: Statement[] }>('policies/alibaba-ram-policy.json');
  const granted = new Set(ram.Statement.flatMap((s) => list(s.Action)));

  /** Call sites keep their `"<product>","<Action>"` literals through minification. */
  function popActions(): { calls: Set<string>; text: string } {
    const text = readFileSync(join(DIST, 'alibaba/index.js'), 'utf8');
    const calls = new Set([...text.matchAll(/"(apigateway|ecs|vpc|slb|sts)","([A-Z][A-Za-z]+)"/g)].map((m) => `${m[1]}:${m[2]}`));
    return { calls, text };
  }

  it('every POP call in the bundle is granted, and every grant is called', () => {
    const needed = [...popActions().calls].filter((a) => !NEEDS_NO_PERMISSION.has(a)).sort();
    expect(needed).toEqual([...granted].sort());
  });

  it('the RAM read policy holds reads only; STS AssumeRole is called only by the fan-out, and only its policy grants it, on the member role', () => {
    for (const action of granted) expect(action).toMatch(/^(apigateway|ecs|vpc|slb):(Describe|Get|List)[A-Za-z]+$/);
    // The one AssumeRole call site: lib/collect/alibaba/credentials.ts assumeRoleCredentials (member roles of fan-out jobs).
    expect(popActions().text.match(/\.request\("AssumeRole",/g)).toHaveLength(1);
    const fanout = readJson<{ Statement: Statement[] }>('policies/alibaba-fc-fanout-policy.json');
    const assume = fanout.Statement.filter((s) => list(s.Action).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    for (const resource of list(assume[0]!.Resource as string | string[])) expect(resource).toMatch(/^acs:ram::\*:role\/[A-Za-z0-9.-]+$/);
    for (const file of ['policies/alibaba-ram-policy.json', 'policies/alibaba-fc-writes-policy.json', 'policies/alibaba-fc-actiontrail-policy.json']) {
      expect(readJson<{ Statement: Statement[] }>(file).Statement.flatMap((s) => list(s.Action))).not.toContain('sts:AssumeRole');
    }
  });

  it('the FC ActionTrail policy grants exactly the LookupEvents read the timer bundle calls', () => {
    const actiontrail = readJson<{ Statement: Statement[] }>('policies/alibaba-fc-actiontrail-policy.json');
    const actions = actiontrail.Statement.flatMap((s) => list(s.Action));
    expect(actions).toEqual(['actiontrail:LookupEvents']);
    for (const action of actions) expect(action).toMatch(/^actiontrail:(Describe|Get|List|Lookup)[A-Za-z]+$/);
    for (const s of actiontrail.Statement) expect(s.Effect).toBe('Allow');
    // The one ActionTrail call site (lib/collect/alibaba/actiontrail.ts) keeps its action literal.
    expect(popActions().text).toMatch(/\.request\("LookupEvents",/);
  });

  it('the FC writes policy allows only log delivery and the MNS sink, each on its resource', () => {
    const writes = readJson<{ Statement: Statement[] }>('policies/alibaba-fc-writes-policy.json');
    expect(writes.Statement.flatMap((s) => list(s.Action)).sort()).toEqual([...ALIBABA_WRITE_ACTIONS].sort());
    for (const s of writes.Statement) {
      expect(s.Effect).toBe('Allow');
      for (const resource of list(s.Resource as string | string[])) expect(resource).not.toBe('*');
    }
  });
});
