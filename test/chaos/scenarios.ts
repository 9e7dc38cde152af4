/**
 * The fault matrix of the chaos suite (issue "Reliability under faults"). Every scenario runs one
 * faulted `scan --config` against an unchanged estate whose baseline was recorded in the state.
 */
import { AliOp } from '../../lib/inventory/alibaba-operations';
import { AwsOp } from '../../lib/inventory/aws-operations';
import type { FakeAliFault } from '../fakes/alibaba/server';
import type { FakeFault } from '../fakes/aws/server';
import { paramsKey, share, type SinkName } from './harness';
import type { InjectedReply, RouterRequest } from './router';

/**
 * `complete`: retries must absorb the fault (exit 1, no coverage error); `incomplete`: exit 3;
 * `fired`: exit 3 exactly when the fault fired (the operation was called), else a complete audit;
 * `either`: decided by the coverage (probabilistic shares below 100 %).
 */
export type Outcome = 'complete' | 'incomplete' | 'either' | 'fired';

export type AwsVariant = 'default' | 'paged' | 'two-regions';

export interface Scenario {
  name: string;
  /** The fault class: column "fault" of the tables; the README groups scenarios by it and provider. */
  kind: string;
  provider: 'aws' | 'alibaba';
  variant?: AwsVariant | 'ali-default' | 'ali-paged';
  awsFaults?: () => FakeFault[];
  aliFaults?: () => FakeAliFault[];
  /** Router-level behaviour (AWS only). */
  inject?: () => (req: RouterRequest) => InjectedReply | undefined;
  regionDown?: { region: string; how: '503' | 'reset' };
  sinkDown?: SinkName;
  outcome: Outcome;
}

const awsOps = Object.values(AwsOp);
const aliOps = Object.values(AliOp);

const ofService = (prefix: string) => awsOps.filter((op) => op.startsWith(`${prefix}:`));

/**
 * One fault entry per operation, each with its own deterministic share keyed by the request's
 * parameters (whether the k-th attempt of a call fails depends on the call alone, not on how it
 * interleaves with other calls), so a run is repeatable.
 */
function awsShare(ops: string[], kind: FakeFault['kind'], pct: number, seed: number): () => FakeFault[] {
  return () =>
    ops.map((operation, i) => {
      const fail = share(pct, seed * 100 + i);
      return { operation, kind, match: (p: Record<string, unknown>) => fail(paramsKey(p)) };
    });
}

function aliShare(ops: string[], kind: FakeAliFault['kind'], pct: number, seed: number): () => FakeAliFault[] {
  return () =>
    ops.map((operation, i) => {
      const fail = share(pct, seed * 100 + i);
      return { operation, kind, match: (p: Record<string, string>) => fail(paramsKey(p)) };
    });
}

const outcomeFor = (pct: number): Outcome => (pct >= 100 ? 'incomplete' : pct <= 10 ? 'complete' : 'either');

/** API Gateway's own quota error (HTTP 429, restJson), which the fakes do not emit: injected by the router. */
function limitExceeded(pct: number, seed: number): () => (req: RouterRequest) => InjectedReply | undefined {
  return () => {
    const fail = share(pct, seed);
    return (req) => {
      // restJson: the method and path (query string included) name the call.
      if (req.service !== 'apigateway' || !fail(`${req.method} ${req.path}`)) return undefined;
      return {
        status: 429,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'LimitExceededException' },
        body: JSON.stringify({ message: 'Limit Exceeded' }),
      };
    };
  };
}

const PCTS = [10, 50, 100] as const;

export function scenarios(): Scenario[] {
  const list: Scenario[] = [];
  let seed = 1;

  // --- throttling, per family and code, at 10 / 50 / 100 % of that family's requests ---------------
  for (const pct of PCTS) {
    list.push({
      name: `AWS EC2 RequestLimitExceeded ${pct}%`,
      kind: `throttling ${pct} %`,
      provider: 'aws',
      awsFaults: awsShare(ofService('ec2'), 'throttle', pct, seed++),
      outcome: outcomeFor(pct),
    });
    list.push({
      name: `AWS API GW v1 TooManyRequestsException ${pct}%`,
      kind: `throttling ${pct} %`,
      provider: 'aws',
      awsFaults: awsShare(ofService('apigateway'), 'throttle', pct, seed++),
      outcome: outcomeFor(pct),
    });
    list.push({
      name: `AWS API GW v2 TooManyRequestsException ${pct}%`,
      kind: `throttling ${pct} %`,
      provider: 'aws',
      awsFaults: awsShare(ofService('apigatewayv2'), 'throttle', pct, seed++),
      outcome: outcomeFor(pct),
    });
    list.push({
      name: `AWS API GW v1+v2 LimitExceededException ${pct}%`,
      kind: `throttling ${pct} %`,
      provider: 'aws',
      inject: limitExceeded(pct, seed++),
      outcome: outcomeFor(pct),
    });
    list.push({
      name: `Alibaba CloudAPI Throttling.User ${pct}%`,
      kind: `throttling ${pct} %`,
      provider: 'alibaba',
      aliFaults: aliShare(aliOps.filter((op) => op.startsWith('apigateway:')), 'throttle', pct, seed++),
      outcome: outcomeFor(pct),
    });
    list.push({
      name: `Alibaba ECS Throttling.User ${pct}%`,
      kind: `throttling ${pct} %`,
      provider: 'alibaba',
      aliFaults: aliShare(aliOps.filter((op) => op.startsWith('ecs:')), 'throttle', pct, seed++),
      outcome: outcomeFor(pct),
    });
  }
  list.push({
    name: 'AWS ELBv2 Throttling 50%',
    kind: 'throttling 50 %',
    provider: 'aws',
    awsFaults: awsShare(ofService('elasticloadbalancing'), 'throttle', 50, seed++),
    outcome: 'either',
  });
  list.push({
    name: 'AWS Cloud Map RequestLimitExceeded 50%',
    kind: 'throttling 50 %',
    provider: 'aws',
    awsFaults: awsShare(ofService('servicediscovery'), 'throttle', 50, seed++),
    outcome: 'either',
  });

  // --- 5xx, resets, timeouts, malformed bodies ------------------------------------------------------
  const everyAws = awsOps.filter((op) => op !== AwsOp.GetCallerIdentity);
  const everyAli = aliOps.filter((op) => op !== AliOp.GetCallerIdentity);
  list.push({ name: 'AWS 5xx on every operation, 30%', kind: '5xx on 30 % of requests', provider: 'aws', awsFaults: awsShare(everyAws, 'server-error', 30, seed++), outcome: 'either' });
  list.push({ name: 'AWS 5xx ec2:DescribeSecurityGroups 100%', kind: '5xx on one operation, every time', provider: 'aws', awsFaults: awsShare([AwsOp.DescribeSecurityGroups], 'server-error', 100, seed++), outcome: 'incomplete' });
  list.push({ name: 'Alibaba 503 on every operation, 30%', kind: '5xx on 30 % of requests', provider: 'alibaba', aliFaults: aliShare(everyAli, 'server-error', 30, seed++), outcome: 'either' });
  list.push({ name: 'Alibaba 503 slb:DescribeLoadBalancers 100%', kind: '5xx on one operation, every time', provider: 'alibaba', aliFaults: aliShare([AliOp.DescribeLoadBalancers], 'server-error', 100, seed++), outcome: 'incomplete' });
  list.push({ name: 'AWS connection reset, every operation 30%', kind: 'connection reset on 30 % of requests', provider: 'aws', awsFaults: awsShare(everyAws, 'reset', 30, seed++), outcome: 'either' });
  list.push({ name: 'AWS connection reset elbv2:DescribeTargetHealth 100%', kind: 'connection reset on one operation, every time', provider: 'aws', awsFaults: awsShare([AwsOp.DescribeTargetHealth], 'reset', 100, seed++), outcome: 'incomplete' });
  list.push({ name: 'Alibaba connection reset, every operation 30%', kind: 'connection reset on 30 % of requests', provider: 'alibaba', aliFaults: aliShare(everyAli, 'reset', 30, seed++), outcome: 'either' });
  list.push({ name: 'Alibaba connection reset ecs:DescribeSecurityGroupAttribute 100%', kind: 'connection reset on one operation, every time', provider: 'alibaba', aliFaults: aliShare([AliOp.DescribeSecurityGroupAttribute], 'reset', 100, seed++), outcome: 'incomplete' });
  list.push({ name: 'AWS timeout apigatewayv2:GetIntegrations, first 2', kind: 'timeout, first 2 attempts', provider: 'aws', awsFaults: () => [{ operation: AwsOp.GetIntegrationsV2, kind: 'timeout', times: 2 }], outcome: 'complete' });
  list.push({ name: 'AWS timeout ec2:DescribeNetworkInterfaces 100%', kind: 'timeout on one operation, every time', provider: 'aws', awsFaults: () => [{ operation: AwsOp.DescribeNetworkInterfaces, kind: 'timeout' }], outcome: 'incomplete' });
  list.push({ name: 'Alibaba timeout apigateway:DescribeVpcAccesses, first 2', kind: 'timeout, first 2 attempts', provider: 'alibaba', aliFaults: () => [{ operation: AliOp.DescribeVpcAccesses, kind: 'timeout', times: 2 }], outcome: 'complete' });
  list.push({ name: 'Alibaba timeout ecs:DescribeNetworkInterfaces 100%', kind: 'timeout on one operation, every time', provider: 'alibaba', aliFaults: () => [{ operation: AliOp.DescribeNetworkInterfaces, kind: 'timeout' }], outcome: 'incomplete' });
  list.push({ name: 'AWS malformed XML ec2:DescribeSecurityGroups, once', kind: 'malformed body, once', provider: 'aws', awsFaults: () => [{ operation: AwsOp.DescribeSecurityGroups, kind: 'malformed', times: 1 }], outcome: 'either' });
  list.push({ name: 'AWS malformed XML elbv2:DescribeLoadBalancers 100%', kind: 'malformed body, every time', provider: 'aws', awsFaults: () => [{ operation: AwsOp.DescribeLoadBalancers, kind: 'malformed' }], outcome: 'incomplete' });
  list.push({ name: 'AWS malformed JSON apigatewayv2:GetVpcLinks 100%', kind: 'malformed body, every time', provider: 'aws', awsFaults: () => [{ operation: AwsOp.GetVpcLinksV2, kind: 'malformed' }], outcome: 'incomplete' });
  list.push({ name: 'AWS malformed JSON servicediscovery:ListInstances 100%', kind: 'malformed body, every time', provider: 'aws', awsFaults: () => [{ operation: AwsOp.ListInstances, kind: 'malformed' }], outcome: 'incomplete' });
  list.push({ name: 'Alibaba malformed JSON apigateway:DescribeInstances, once', kind: 'malformed body, once', provider: 'alibaba', aliFaults: () => [{ operation: AliOp.DescribeInstances, kind: 'malformed', times: 1 }], outcome: 'complete' });
  list.push({ name: 'Alibaba malformed JSON vpc:DescribeVSwitches 100%', kind: 'malformed body, every time', provider: 'alibaba', aliFaults: () => [{ operation: AliOp.DescribeVSwitches, kind: 'malformed' }], outcome: 'incomplete' });
  for (const op of everyAli) {
    list.push({ name: `Alibaba missing list member ${op}`, kind: 'list missing from a well-formed answer', provider: 'alibaba', aliFaults: () => [{ operation: op, kind: 'missing-fields' }], outcome: 'fired' });
  }

  // --- truncated pages: the second page of a paged list is cut in half ------------------------------
  const secondPageAws = (p: Record<string, unknown>) => typeof p['NextToken'] === 'string' && p['NextToken'] !== '';
  const secondPageAli = (p: Record<string, string>) => p['PageNumber'] === '2';
  list.push({ name: 'AWS truncated page 2 of ec2:DescribeVpcs, once', kind: 'truncated second page, once', provider: 'aws', variant: 'paged', awsFaults: () => [{ operation: AwsOp.DescribeVpcs, kind: 'malformed', times: 1, match: secondPageAws }], outcome: 'either' });
  list.push({ name: 'AWS truncated page 2 of ec2:DescribeVpcs, always', kind: 'truncated second page, every time', provider: 'aws', variant: 'paged', awsFaults: () => [{ operation: AwsOp.DescribeVpcs, kind: 'malformed', match: secondPageAws }], outcome: 'incomplete' });
  list.push({ name: 'Alibaba truncated page 2 of vpc:DescribeVpcs, once', kind: 'truncated second page, once', provider: 'alibaba', variant: 'ali-paged', aliFaults: () => [{ operation: AliOp.DescribeVpcs, kind: 'malformed', times: 1, match: secondPageAli }], outcome: 'complete' });
  list.push({ name: 'Alibaba truncated page 2 of vpc:DescribeVpcs, always', kind: 'truncated second page, every time', provider: 'alibaba', variant: 'ali-paged', aliFaults: () => [{ operation: AliOp.DescribeVpcs, kind: 'malformed', match: secondPageAli }], outcome: 'incomplete' });
  list.push({ name: 'Alibaba page 2 of vpc:DescribeVpcs without its list', kind: 'second page without its list', provider: 'alibaba', variant: 'ali-paged', aliFaults: () => [{ operation: AliOp.DescribeVpcs, kind: 'missing-fields', match: secondPageAli }], outcome: 'incomplete' });

  // --- access denied on each single operation ------------------------------------------------------
  for (const op of awsOps) {
    list.push({ name: `AWS AccessDenied ${op}`, kind: 'access denied on one operation', provider: 'aws', awsFaults: () => [{ operation: op, kind: 'access-denied' }], outcome: 'fired' });
  }
  for (const op of aliOps) {
    list.push({ name: `Alibaba Forbidden.RAM ${op}`, kind: 'access denied on one operation', provider: 'alibaba', aliFaults: () => [{ operation: op, kind: 'forbidden' }], outcome: 'fired' });
  }

  // --- one region down ------------------------------------------------------------------------------
  list.push({ name: 'AWS eu-west-1 down (503), us-east-1 up', kind: 'one region of two down', provider: 'aws', variant: 'two-regions', regionDown: { region: 'eu-west-1', how: '503' }, outcome: 'incomplete' });
  list.push({ name: 'AWS eu-west-1 down (reset), us-east-1 up', kind: 'one region of two down', provider: 'aws', variant: 'two-regions', regionDown: { region: 'eu-west-1', how: 'reset' }, outcome: 'incomplete' });

  // --- each sink down -------------------------------------------------------------------------------
  for (const sink of ['webhook', 'slack', 'sqs'] as const) {
    list.push({ name: `sink down: ${sink}`, kind: 'one sink down', provider: 'aws', sinkDown: sink, outcome: 'incomplete' });
  }
  return list;
}
