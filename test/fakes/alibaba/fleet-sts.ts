/**
 * STS (2015-04-01) as the fleet fake answers it: `AssumeRole` into member accounts issues real
 * per-session key pairs (`STS.`-prefixed AccessKeyId, secret, SecurityToken) bound to the member
 * account, and `GetCallerIdentity` answers for the account and role session of the signing key.
 *
 * AssumeRole request and answer as the STS API reference (AssumeRole, 2015-04-01) documents them:
 * `RoleArn` (`acs:ram::<uid>:role/<name>`), `RoleSessionName` (letters, digits, `.@-_`),
 * `DurationSeconds` (900 to the role's maximum session duration, default 3600), optional `Policy`
 * (a JSON policy document) and `ExternalId`; answer `Credentials{AccessKeyId, AccessKeySecret,
 * SecurityToken, Expiration (yyyy-MM-ddTHH:mm:ssZ)}`, `AssumedRoleUser{Arn
 * (acs:ram::<uid>:role/<name>/<session>), AssumedRoleId (<roleId>:<session>)}`. Errors: NoPermission
 * (403) when the role does not trust the caller, EntityNotExist.Role (404) for a role or account
 * the fleet does not have, InvalidParameter.RoleArn / .RoleSessionName / .DurationSeconds /
 * .PolicyGrammar (400).
 */

import { createHash, randomBytes } from 'node:crypto';

import { AliServiceError, type CallerContext, type OperationSpec, type Params, integerParam, optionalParam, requireParam } from './protocol';
import { stsOperations } from './sts';

/** What the fleet needs to answer AssumeRole. */
export interface AssumeRoleAuthority {
  roleName: string;
  maxSessionDurationSeconds: number;
  /** Accounts the fleet has (a role in any other account does not exist). */
  knows(account: string): boolean;
  /** Members whose role does not trust the caller. */
  denies(account: string): boolean;
  /** Registers the issued key pair for `account`; `expiresAt` in epoch ms. */
  issue(key: { accessKeyId: string; accessKeySecret: string; securityToken: string; account: string; session: NonNullable<CallerContext['session']>; expiresAt: number }): void;
  /** Every AssumeRole that reached STS's own checks, issued or refused. */
  record(call: FakeAssumeRoleCall): void;
}

export interface FakeAssumeRoleCall {
  /** The account of the key that called AssumeRole. */
  callerAccount: string;
  roleArn: string;
  /** The member account named by the RoleArn (undefined when the ARN is malformed). */
  account?: string;
  roleSessionName?: string;
  durationSeconds?: number;
  externalId?: string;
  policy?: string;
  /** `issued`, or the error code STS answered. */
  outcome: string;
  /** The AccessKeyId handed out, when issued. */
  accessKeyId?: string;
}

const ROLE_ARN = /^acs:ram::(\d+):role\/([A-Za-z0-9.\-_]+)$/;
const SESSION_NAME = /^[A-Za-z0-9.@\-_]{2,64}$/;
const MIN_DURATION_SECONDS = 900;

const NO_PERMISSION = () => new AliServiceError('NoPermission', 'You are not authorized to do this action. You should be authorized by RAM.', 403);

/** A stable, account-specific 18-digit RAM role id (role ids are numeric strings). */
export function fakeRoleId(account: string, roleName: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(`${account}/${roleName.toLowerCase()}`).digest('hex').slice(0, 15)}`).toString().padStart(17, '0').slice(0, 17);
  return `3${digits}`;
}

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHANUM[b % ALPHANUM.length];
  return out;
}

/** `yyyy-MM-ddTHH:mm:ssZ`, as STS writes Expiration. */
function stsTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function assumeRole(authority: AssumeRoleAuthority): OperationSpec {
  return {
    listKey: 'Credentials',
    handle(params: Params, ctx) {
      const caller = ctx.caller!;
      const call: FakeAssumeRoleCall = { callerAccount: caller.account, roleArn: params['RoleArn'] ?? '', outcome: 'issued' };
      try {
        const roleArn = requireParam(params, 'RoleArn');
        const arn = ROLE_ARN.exec(roleArn);
        if (!arn) throw new AliServiceError('InvalidParameter.RoleArn', 'The parameter RoleArn is wrongly formed.', 400);
        const [, account, roleName] = arn as unknown as [string, string, string];
        call.account = account;
        const sessionName = requireParam(params, 'RoleSessionName');
        call.roleSessionName = sessionName;
        if (!SESSION_NAME.test(sessionName)) throw new AliServiceError('InvalidParameter.RoleSessionName', 'The parameter RoleSessionName is wrongly formed.', 400);
        const duration = integerParam(params, 'DurationSeconds') ?? 3600;
        call.durationSeconds = duration;
        if (duration < MIN_DURATION_SECONDS || duration > authority.maxSessionDurationSeconds) {
          throw new AliServiceError(
            'InvalidParameter.DurationSeconds',
            `The Min/Max value of DurationSeconds is ${MIN_DURATION_SECONDS}/${authority.maxSessionDurationSeconds} seconds.`,
            400,
          );
        }
        const policy = optionalParam(params, 'Policy');
        if (policy !== undefined) {
          call.policy = policy;
          let parsed: unknown;
          try {
            parsed = JSON.parse(policy);
          } catch {
            parsed = undefined;
          }
          if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { Statement?: unknown }).Statement)) {
            throw new AliServiceError('InvalidParameter.PolicyGrammar', 'The parameter Policy has not passed grammar check.', 400);
          }
        }
        const externalId = optionalParam(params, 'ExternalId');
        if (externalId !== undefined) call.externalId = externalId;
        if (!authority.knows(account) || roleName.toLowerCase() !== authority.roleName.toLowerCase()) {
          throw new AliServiceError('EntityNotExist.Role', `The role not exists: acs:ram::${account}:role/${roleName}.`, 404);
        }
        if (authority.denies(account)) throw NO_PERMISSION();

        const session = { roleName: authority.roleName, roleId: fakeRoleId(account, authority.roleName), sessionName };
        const expiresAt = Date.now() + duration * 1000;
        const issued = {
          accessKeyId: `STS.${randomText(24)}`,
          accessKeySecret: randomText(44),
          securityToken: `CAIS${randomBytes(96).toString('base64')}`,
          account,
          session,
          expiresAt,
        };
        authority.issue(issued);
        call.accessKeyId = issued.accessKeyId;
        return {
          Credentials: {
            AccessKeyId: issued.accessKeyId,
            AccessKeySecret: issued.accessKeySecret,
            SecurityToken: issued.securityToken,
            Expiration: stsTime(expiresAt),
          },
          AssumedRoleUser: {
            Arn: `acs:ram::${account}:role/${authority.roleName}/${sessionName}`,
            AssumedRoleId: `${session.roleId}:${sessionName}`,
          },
        };
      } catch (e) {
        call.outcome = e instanceof AliServiceError ? e.code : 'InternalError';
        throw e;
      } finally {
        authority.record(call);
      }
    },
  };
}

/** For an issued key: the member account's assumed role; otherwise as the single-estate fake answers. */
const getCallerIdentity: OperationSpec = {
  listKey: 'AccountId',
  handle(params, ctx) {
    const session = ctx.caller?.session;
    if (!session) return stsOperations['GetCallerIdentity']!.handle(params, ctx);
    const account = ctx.caller!.account;
    return {
      AccountId: account,
      Arn: `acs:ram::${account}:assumed-role/${session.roleName}/${session.sessionName}`,
      IdentityType: 'AssumedRoleUser',
      PrincipalId: `${session.roleId}:${session.sessionName}`,
      RoleId: session.roleId,
    };
  },
};

export function fleetStsOperations(authority: AssumeRoleAuthority): Record<string, OperationSpec> {
  return { ...stsOperations, GetCallerIdentity: getCallerIdentity, AssumeRole: assumeRole(authority) };
}

