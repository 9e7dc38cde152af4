/**
 * The request pipeline both fakes share (`startFakeAws`: one estate; `startFakeAwsFleet`: many
 * accounts × Regions). Per request, in order:
 * 1. route by shape (routing.ts) and count the operation;
 * 2. SigV4: Authorization header, service and Region of the credential scope;
 * 3. the caller: the scope's access key (and session token, for issued keys) gives the account;
 * 4. a Region that is down answers ServiceUnavailable (503);
 * 5. an unroutable request answers its error;
 * 6. the (account, Region, family) token bucket;
 * 7. the first matching fault with uses left;
 * 8. the operation, against the estate view of (account, Region).
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { serveOnLoopback } from '../http-reply';
import { FaultBook, type ThrottleSpec, TokenBuckets } from '../request-limits';
import type { EstateView } from './estate-view';
import type { Caller, IdentityPlane } from './identity';
import { type AwsApiFamily, type Params, ServiceError, type WireReply, verifySignature } from './protocol';
import { type Routed, header, route } from './routing';

export type { ThrottleSpec } from '../request-limits';

export interface FakeFault {
  /** Operation in `<service>:<Operation>` form as in lib/inventory/aws-operations.ts (`ec2:DescribeSecurityGroups`, `apigatewayv2:GetIntegrations`, `apigateway:GetResources`, `elasticloadbalancing:DescribeTargetHealth`, `servicediscovery:ListInstances`, `sts:GetCallerIdentity`; the fleet also serves `sts:AssumeRole` and `organizations:ListAccounts`). */
  operation: string;
  kind: 'throttle' | 'access-denied' | 'server-error' | 'malformed' | 'reset' | 'timeout';
  /** How many matching requests fail before it stops (default: every one). */
  times?: number;
  /** Only requests whose decoded params satisfy this fail (e.g. one ApiId). */
  match?: (params: Record<string, unknown>) => boolean;
}

/** A fault that may be limited to one account and/or one Region. */
export interface FleetFault extends FakeFault {
  account?: string;
  region?: string;
}

export interface RecordedRequest {
  operation: string;
  params: Record<string, unknown>;
  /** Absent when the request failed before its caller was known (signature, unknown key). */
  account?: string;
  region?: string;
}

export interface EngineConfig {
  identity: IdentityPlane;
  /** The estate of an account in a Region. Called for every served request: cache. */
  viewFor(account: string, region: string): EstateView;
  /** Whether a regional service's request may be signed for this Region. */
  acceptsRegion(region: string): boolean;
  latencyMs?: number;
  faults?: readonly FleetFault[];
  throttle?: Partial<Record<AwsApiFamily, ThrottleSpec>>;
  regionsDown?: ReadonlyArray<{ account?: string; region: string }>;
  /** Sees every request once answered. */
  onRequest?(entry: RecordedRequest): void;
}

export interface EngineStats {
  calls: Record<string, number>;
  callsByAccount: Record<string, number>;
  throttled: number;
  throttledByAccount: Record<string, number>;
}

export interface Engine {
  url: string;
  stats: EngineStats;
  close(): Promise<void>;
}

/** Cuts a body in half: no prefix of a JSON object or XML document is itself well formed. */
function truncated(reply: WireReply): WireReply {
  return { status: 200, headers: reply.headers, body: reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))) };
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export async function startEngine(config: EngineConfig): Promise<Engine> {
  const faults = new FaultBook<Record<string, unknown>, FleetFault>(config.faults);
  /** Per (account, Region, family), made on first use (a full bucket, as at start). */
  const buckets = new TokenBuckets<AwsApiFamily>(config.throttle);
  const down = config.regionsDown ?? [];
  const stats: EngineStats = { calls: {}, callsByAccount: {}, throttled: 0, throttledByAccount: {} };

  function countThrottled(account: string): void {
    stats.throttled++;
    bump(stats.throttledByAccount, account);
  }

  /** The answer to one routed request, or the socket-level behaviour a fault asks for. */
  function answer(routed: Routed, req: IncomingMessage, seen: { account?: string; region?: string }): WireReply | 'reset' | 'timeout' {
    const { dialect, operation, params } = routed;
    const requestId = randomUUID();
    const fail = (error: ServiceError): WireReply => dialect.renderError(error, requestId);
    let malformed = false;
    const reply = ((): WireReply | 'reset' | 'timeout' => {
      try {
        if (routed.skipAuth) return fail(routed.error!);
        const scope = verifySignature(req.headers, dialect, (region) =>
          dialect.signingRegion !== undefined ? region === dialect.signingRegion : config.acceptsRegion(region),
        );
        const region = scope.region;
        seen.region = region;
        const caller: Caller = config.identity.resolve(scope.accessKeyId, header(req, 'x-amz-security-token'), dialect);
        const account = caller.account;
        seen.account = account;
        bump(stats.callsByAccount, account);
        if (down.some((d) => d.region === region && (d.account === undefined || d.account === account))) return fail(dialect.unavailable());
        if (routed.error) return fail(routed.error);
        if (!buckets.take(account, region, dialect.family)) {
          countThrottled(account);
          return fail(dialect.faultError('throttle', operation, account));
        }
        const kind = faults.take(operation, account, region, params)?.kind;
        if (kind === 'reset' || kind === 'timeout') return kind;
        if (kind === 'throttle' || kind === 'access-denied' || kind === 'server-error') {
          if (kind === 'throttle') countThrottled(account);
          return fail(dialect.faultError(kind, operation, account));
        }
        malformed = kind === 'malformed';
        const view = config.viewFor(account, region);
        return dialect.renderSuccess(routed.action, routed.handler!(params, { view, dialect, caller, identity: config.identity }), requestId);
      } catch (e) {
        if (e instanceof ServiceError) return fail(e);
        // A bug in the fake itself: answer as the service's internal error, with the cause.
        return fail(new ServiceError('InternalFailure', `fake-aws: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, 500));
      }
    })();
    return malformed && typeof reply === 'object' ? truncated(reply) : reply;
  }

  const server = await serveOnLoopback((req, body) => {
    const routed = route(req, body);
    bump(stats.calls, routed.operation);
    const seen: { account?: string; region?: string } = {};
    const outcome = answer(routed, req, seen);
    config.onRequest?.({ operation: routed.operation, params: routed.params, ...seen });
    return outcome;
  }, config.latencyMs);
  return { ...server, stats };
}
