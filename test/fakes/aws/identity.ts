/**
 * Who is calling the fake AWS: base (long-term) credentials belong to one account; STS AssumeRole
 * issues temporary credentials (`ASIA…` keys with a session token) for a member role in another
 * account. Every request is attributed to an account through the access key in its SigV4 scope.
 * Also holds the organisation Organizations ListAccounts serves.
 */

import { createHash, randomBytes } from 'node:crypto';

import { type Dialect, ServiceError } from './protocol';

export const FAKE_CALLER_USER_ID = 'AIDAFAKEAUDITOR000001';

/** The default member role, present in every account. */
export const DEFAULT_MEMBER_ROLE = 'ApigwAuditorRead';

export type OrganizationAccountState = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED' | 'PENDING_ACTIVATION';

export interface FakeOrganization {
  managementAccount: string;
  /** Served in this order. Real organisations list the management account too: include it here. */
  accounts: Array<{ id: string; name: string; email?: string; state?: OrganizationAccountState }>;
}

/** The principal behind a request. */
export interface Caller {
  account: string;
  /** `arn:aws:iam::<acct>:user/fake-auditor` or `arn:aws:sts::<acct>:assumed-role/<role>/<session>`. */
  arn: string;
  /** GetCallerIdentity's UserId: the IAM user id, or `<AssumedRoleId>` (`AROA…:<session>`). */
  userId: string;
}

export interface IssuedSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO-8601, seconds precision, as STS writes it. */
  expiration: string;
  account: string;
  roleArn: string;
  sessionName: string;
  externalId?: string;
  assumedRoleId: string;
  arn: string;
}

export interface IdentityPlaneOptions {
  /** Account of every access key the fake did not issue. */
  callerAccount: string;
  /** Accounts in which the member role exists (besides the caller's and the organisation's members). */
  knownAccounts: Iterable<string>;
  roleName?: string;
  /** Accounts whose role does not trust the caller: AssumeRole answers AccessDenied. */
  deniedAssume?: Iterable<string>;
  organization?: FakeOrganization;
  /**
   * When true an `ASIA…` key the fake did not issue is rejected (InvalidClientTokenId and its
   * siblings); when false (the single-estate fake) it is one more key of the caller's account.
   */
  rejectUnknownTemporaryKeys: boolean;
  now?: () => number;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** STS: 900 s up to the role's MaxSessionDuration; the fake's member role keeps the default, one hour. */
const MIN_DURATION_SECONDS = 900;
const MAX_DURATION_SECONDS = 3600;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += BASE32[bytes[i % bytes.length]! % 32];
  return out;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class IdentityPlane {
  readonly roleName: string;
  readonly organization?: FakeOrganization;
  readonly callerAccount: string;
  /** AssumeRole requests the operation answered, granted or refused. */
  assumeRoleCalls = 0;
  /** Sessions issued, per target account. */
  readonly assumedByAccount: Record<string, number> = {};

  private readonly known: Set<string>;
  private readonly denied: Set<string>;
  private readonly sessions = new Map<string, IssuedSession>();
  private readonly baseCaller: Caller;
  private readonly options: IdentityPlaneOptions;

  constructor(options: IdentityPlaneOptions) {
    this.options = options;
    this.roleName = options.roleName ?? DEFAULT_MEMBER_ROLE;
    this.callerAccount = options.callerAccount;
    if (options.organization) this.organization = options.organization;
    this.known = new Set([options.callerAccount, ...options.knownAccounts, ...(options.organization?.accounts.map((a) => a.id) ?? [])]);
    if (options.organization) this.known.add(options.organization.managementAccount);
    this.denied = new Set(options.deniedAssume ?? []);
    this.baseCaller = { account: options.callerAccount, arn: `arn:aws:iam::${options.callerAccount}:user/fake-auditor`, userId: FAKE_CALLER_USER_ID };
  }

  /** The principal behind an access key; an issued key must come with its own session token. */
  resolve(accessKeyId: string, sessionToken: string | undefined, dialect: Dialect): Caller {
    const session = this.sessions.get(accessKeyId);
    if (session) {
      if (sessionToken !== session.sessionToken) throw dialect.invalidClientToken();
      return { account: session.account, arn: session.arn, userId: session.assumedRoleId };
    }
    if (this.options.rejectUnknownTemporaryKeys && accessKeyId.startsWith('ASIA')) throw dialect.invalidClientToken();
    return this.baseCaller;
  }

  /** STS AssumeRole into the member role; throws AccessDenied (403) like STS when it may not. */
  assumeRole(
    request: { roleArn: string; sessionName: string; durationSeconds?: number; externalId?: string },
    caller: Caller,
    dialect: Dialect,
  ): IssuedSession {
    this.assumeRoleCalls++;
    const { roleArn, sessionName } = request;
    if (!SESSION_NAME.test(sessionName)) {
      throw dialect.invalidParameter(
        `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and length 2-64`,
      );
    }
    const duration = request.durationSeconds ?? MAX_DURATION_SECONDS;
    if (!Number.isInteger(duration) || duration < MIN_DURATION_SECONDS) {
      throw dialect.invalidParameter(
        `1 validation error detected: Value '${String(duration)}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${MIN_DURATION_SECONDS}`,
      );
    }
    if (duration > MAX_DURATION_SECONDS) {
      throw dialect.invalidParameter('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    const m = ROLE_ARN.exec(roleArn);
    const account = m?.[1];
    if (!m || !account || m[2] !== this.roleName || !this.known.has(account) || this.denied.has(account)) {
      throw new ServiceError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    }
    const roleId = `AROA${base32(createHash('sha256').update(`${account}/${this.roleName}`).digest(), 17)}`;
    const session: IssuedSession = {
      accessKeyId: `ASIA${base32(randomBytes(16), 16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `FwoGZXIvYXdzE${randomBytes(96).toString('base64')}`,
      expiration: isoSeconds((this.options.now ?? Date.now)() + duration * 1000),
      account,
      roleArn,
      sessionName,
      ...(request.externalId !== undefined ? { externalId: request.externalId } : {}),
      assumedRoleId: `${roleId}:${sessionName}`,
      arn: `arn:aws:sts::${account}:assumed-role/${this.roleName}/${sessionName}`,
    };
    this.sessions.set(session.accessKeyId, session);
    this.assumedByAccount[account] = (this.assumedByAccount[account] ?? 0) + 1;
    return session;
  }
}
