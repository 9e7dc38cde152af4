/**
 * Wire-level pieces of Alibaba Cloud POP RPC shared by every fake product: the error type handlers
 * throw, the JSON envelopes, signature v1 (HMAC-SHA1) and request-parameter decoding.
 *
 * Envelopes: a success is the operation's JSON object plus `RequestId`; an error is
 * `{RequestId, HostId, Code, Message, Recommend}` with the HTTP status of the code. pop-core only
 * looks at `Code` (it ignores the HTTP status), so the status matters to raw-HTTP callers and logs.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';

import type { AliEstateView } from './estate-view';

/** `resourcemanager` (ResourceManager 2020-03-31, ListAccounts) is served by the fleet fake only. */
export type AliProduct = 'apigateway' | 'ecs' | 'vpc' | 'slb' | 'sts' | 'actiontrail' | 'resourcemanager';

/** Decoded request parameters, keyed by wire name (`RegionId`, `LoadBalancerId.1`, …). */
export type Params = Record<string, string>;

export interface WireReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A POP error; `status` is the HTTP status the real service answers it with. */
export class AliServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Who signed a request (set by the fleet fake). */
export interface CallerContext {
  account: string;
  accessKeyId: string;
  /** Keys issued by the fleet's AssumeRole: the role session they stand for. */
  session?: { roleName: string; roleId: string; sessionName: string };
}

export interface HandlerContext {
  view: AliEstateView;
  /** The caller signed with an STS token (GetCallerIdentity answers as an assumed role). */
  assumedRole: boolean;
  /** `<product>:<Action>`, for page-token scopes. */
  operation: string;
  /** Fleet fake: the caller's account and key (the view is that account's estate in `region`). */
  caller?: CallerContext;
  /** Fleet fake: the region the request is served from (`RegionId`, else the caller's home region). */
  region?: string;
}

export interface OperationSpec {
  handle(params: Params, ctx: HandlerContext): Record<string, unknown>;
  /**
   * The response member a `missing-fields` fault removes: the list wrapper (`Instances`,
   * `Permissions`, …) or, for single-object reads, the object the caller needs.
   */
  listKey: string;
}

export interface ProductSpec {
  product: AliProduct;
  /** POP product code, as in `Recommend` links. */
  popCode: string;
  version: string;
  /** Host the real service answers from, for `HostId`. */
  host(region: string): string;
  operations: Record<string, OperationSpec>;
}

// ---------------------------------------------------------------------------------------------
// Errors (codes and messages as the POP gateway and the products' error tables spell them)

export const aliErrors = {
  missingParameter: (name: string) =>
    new AliServiceError('MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`, 400),
  invalidParameter: (message: string) => new AliServiceError('InvalidParameter', message, 400),
  invalidVersion: () => new AliServiceError('InvalidVersion', 'Specified parameter Version is not valid.', 400),
  unknownAction: () => new AliServiceError('InvalidAction.NotFound', 'Specified api is not found, please check your url and method.', 404),
  throttled: () => new AliServiceError('Throttling.User', 'Request was denied due to user flow control.', 400),
  forbidden: (operation: string) =>
    new AliServiceError('Forbidden.RAM', `User not authorized to operate on the specified resource, or this API doesn't support RAM. (${operation})`, 403),
  serviceUnavailable: () => new AliServiceError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503),
  internalError: (detail: string) => new AliServiceError('InternalError', `The request processing has failed due to some unknown error. ${detail}`, 500),
  notFound: (code: string, message: string) => new AliServiceError(code, message, 404),
};

// ---------------------------------------------------------------------------------------------
// Envelopes

const JSON_HEADERS = { 'content-type': 'application/json;charset=utf-8' };

export function renderSuccess(body: Record<string, unknown>, requestId: string): WireReply {
  return { status: 200, headers: { ...JSON_HEADERS }, body: JSON.stringify({ RequestId: requestId, ...body }) };
}

export function renderError(error: AliServiceError, requestId: string, hostId: string, popCode: string): WireReply {
  const recommend = `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=${popCode}&requestId=${requestId}`;
  return {
    status: error.status,
    headers: { ...JSON_HEADERS },
    body: JSON.stringify({ RequestId: requestId, HostId: hostId, Code: error.code, Message: error.message, Recommend: recommend }),
  };
}

// ---------------------------------------------------------------------------------------------
// Signature v1

/** RFC 3986 percent-encoding as POP canonicalization wants it (`encodeURIComponent` leaves `!'()*` alone). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `METHOD&%2F&` + the percent-encoded canonical query (every parameter but `Signature`, sorted by encoded name). */
export function stringToSign(method: string, params: Params): string {
  const pairs = Object.entries(params)
    .filter(([k]) => k !== 'Signature')
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = pairs.map(([k, v]) => `${k}=${v}`).join('&');
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonical)}`;
}

export function signatureOf(toSign: string, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(toSign, 'utf8').digest('base64');
}

export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Parameters every POP request carries for routing and signing; they are not the operation's input. */
export const COMMON_PARAMS = new Set([
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'SignatureType',
  'Timestamp',
  'SecurityToken',
]);

// ---------------------------------------------------------------------------------------------
// Parameter decoding

export function optionalParam(params: Params, name: string): string | undefined {
  const v = params[name];
  return v === undefined || v === '' ? undefined : v;
}

export function requireParam(params: Params, name: string): string {
  const v = optionalParam(params, name);
  if (v === undefined) throw aliErrors.missingParameter(name);
  return v;
}

export function integerParam(params: Params, name: string): number | undefined {
  const v = optionalParam(params, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw aliErrors.invalidParameter(`The specified parameter "${name}" is not valid: ${v}`);
  return Number(v);
}

export function booleanParam(params: Params, name: string): boolean | undefined {
  const v = optionalParam(params, name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw aliErrors.invalidParameter(`The specified parameter "${name}" must be true or false.`);
  return v === 'true';
}

/** `Name.1`, `Name.2`, … (how pop-core flattens an array parameter); undefined when none is present. */
export function repeatedParam(params: Params, name: string, max: number): string[] | undefined {
  const values: string[] = [];
  for (let i = 1; params[`${name}.${i}`] !== undefined; i++) values.push(params[`${name}.${i}`]!);
  if (values.length === 0) return undefined;
  if (values.length > max) throw aliErrors.invalidParameter(`The parameter "${name}.N" accepts at most ${max} values.`);
  return values;
}

/** A parameter documented as a JSON array string (`InstanceIds`, `SecurityGroupIds`, …). */
export function jsonArrayParam(params: Params, name: string, max: number): string[] | undefined {
  const v = optionalParam(params, name);
  if (v === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw aliErrors.invalidParameter(`The specified parameter "${name}" is not a valid JSON array.`);
  }
  if (!Array.isArray(parsed) || !parsed.every((x): x is string => typeof x === 'string')) {
    throw aliErrors.invalidParameter(`The specified parameter "${name}" must be a JSON array of strings.`);
  }
  if (parsed.length > max) throw aliErrors.invalidParameter(`The specified parameter "${name}" accepts at most ${max} values.`);
  return parsed;
}

/** A comma-separated list parameter (`LoadBalancerId` of DescribeLoadBalancers, `VpcId` of DescribeVpcs). */
export function commaListParam(params: Params, name: string, max: number): string[] | undefined {
  const v = optionalParam(params, name);
  if (v === undefined) return undefined;
  const values = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (values.length > max) throw aliErrors.invalidParameter(`The specified parameter "${name}" accepts at most ${max} values.`);
  return values;
}

/**
 * ECS, VPC and SLB require `RegionId`; CloudAPI takes the region from its endpoint. A region other
 * than the estate's holds nothing.
 */
export function regionOf(params: Params, view: AliEstateView, required: boolean): { inEstate: boolean } {
  const region = required ? requireParam(params, 'RegionId') : optionalParam(params, 'RegionId');
  return { inEstate: region === undefined || region === view.region };
}

/** Omits undefined members so the JSON carries only what the estate knows. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  for (const k of Object.keys(value)) if (value[k] === undefined) delete value[k];
  return value;
}

export function tagList(tags: Record<string, string> | undefined, wrapper: string): Record<string, unknown> | undefined {
  if (!tags || Object.keys(tags).length === 0) return undefined;
  return { [wrapper]: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}
