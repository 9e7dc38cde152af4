/**
 * Wire-level pieces shared by every fake service: the error type handlers throw, each protocol's
 * success and error envelopes, SigV4 header checks and Query-protocol form decoding.
 *
 * Envelopes follow what the SDK v3 de-serializers read (@aws-sdk/core protocols):
 * - ec2Query: `<XResponse><requestId/>…</XResponse>`; errors `<Response><Errors><Error><Code/>…`.
 * - awsQuery (ELBv2, STS): `<XResponse><XResult>…</XResult>…`; errors `<ErrorResponse><Error>…`.
 * - restJson1 (API Gateway v1/v2): error code in `x-amzn-ErrorType`, `{"message"}` body.
 * - awsJson1.1 (Cloud Map, Organizations): error code in `__type`, `{"Message"}` body (the modeled
 *   member name).
 */

import type { EstateView } from './estate-view';
import type { Caller, IdentityPlane } from './identity';
import { escapeXml } from './xml';

export type AwsApiFamily = 'ec2' | 'elbv2' | 'apigateway' | 'servicediscovery' | 'sts' | 'organizations';

export type Params = Record<string, unknown>;

export interface HandlerContext {
  /** The estate of the caller's account in the Region the request was signed for. */
  view: EstateView;
  dialect: Dialect;
  /** Who signed the request (resolved from the access key in the SigV4 scope). */
  caller: Caller;
  /** Accounts, roles, issued credentials and the organisation. */
  identity: IdentityPlane;
}

/** Serves one operation: returns the payload the dialect wraps (XML text or a JSON object) or throws a ServiceError. */
export type OperationHandler = (params: Params, ctx: HandlerContext) => unknown;

export interface WireReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A modeled or common service error; the dialect decides how it looks on the wire. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Further modeled members of the error (JSON protocols write them next to the message, e.g. `Reason`). */
    readonly members: Record<string, string> = {},
  ) {
    super(message);
  }
}

export type ErrorFaultKind = 'throttle' | 'access-denied' | 'server-error';

type ErrorSpec = readonly [code: string, status: number, message: string];

interface DialectErrors {
  throttle: ErrorSpec;
  accessDenied: ErrorSpec;
  serverError: ErrorSpec;
  missingAuth: ErrorSpec;
  badSignature: readonly [code: string, status: number];
  unknownOperation: readonly [code: string, status: number];
  invalidParameter: readonly [code: string, status: number];
  missingParameter: readonly [code: string, status: number];
  invalidToken: readonly [code: string, status: number];
  /** A SigV4 access key (or its session token) the service does not recognise. */
  invalidClientToken: ErrorSpec;
  /** The Region's endpoint is down. */
  unavailable: ErrorSpec;
}

export interface Dialect {
  family: AwsApiFamily;
  /** Prefix of operation names (`<service>:<Operation>`), also the IAM service prefix. */
  servicePrefix: string;
  /** Service name the SigV4 credential scope must carry. */
  signingService: string;
  /** Global services sign every request for this one Region (Organizations: us-east-1). */
  signingRegion?: string;
  renderSuccess(action: string, payload: unknown, requestId: string): WireReply;
  renderError(error: ServiceError, requestId: string): WireReply;
  faultError(kind: ErrorFaultKind, operation: string, account: string): ServiceError;
  missingAuth(): ServiceError;
  badSignature(message: string): ServiceError;
  unknownOperation(name: string): ServiceError;
  invalidParameter(message: string): ServiceError;
  missingParameter(name: string): ServiceError;
  invalidToken(message: string): ServiceError;
  invalidClientToken(): ServiceError;
  unavailable(): ServiceError;
}

function makeDialect(
  base: Pick<Dialect, 'family' | 'servicePrefix' | 'signingService' | 'signingRegion' | 'renderSuccess' | 'renderError'>,
  errors: DialectErrors,
): Dialect {
  const from = (spec: ErrorSpec) => new ServiceError(spec[0], spec[2], spec[1]);
  return {
    ...base,
    faultError(kind, operation, account) {
      if (kind === 'throttle') return from(errors.throttle);
      if (kind === 'server-error') return from(errors.serverError);
      const [code, status, message] = errors.accessDenied;
      return new ServiceError(code, `${message} User: arn:aws:iam::${account}:user/fake-auditor is not authorized to perform: ${operation}`, status);
    },
    missingAuth: () => from(errors.missingAuth),
    badSignature: (message) => new ServiceError(errors.badSignature[0], message, errors.badSignature[1]),
    unknownOperation: (name) =>
      new ServiceError(errors.unknownOperation[0], `The action or operation ${name} is not valid for this web service.`, errors.unknownOperation[1]),
    invalidParameter: (message) => new ServiceError(errors.invalidParameter[0], message, errors.invalidParameter[1]),
    missingParameter: (name) => new ServiceError(errors.missingParameter[0], `The request must contain the parameter ${name}.`, errors.missingParameter[1]),
    invalidToken: (message) => new ServiceError(errors.invalidToken[0], message, errors.invalidToken[1]),
    invalidClientToken: () => from(errors.invalidClientToken),
    unavailable: () => from(errors.unavailable),
  };
}

const XML_HEADERS = { 'content-type': 'text/xml;charset=UTF-8' };
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

function ec2QueryDialect(): Dialect {
  const namespace = 'http://ec2.amazonaws.com/doc/2016-11-15/';
  return makeDialect(
    {
      family: 'ec2',
      servicePrefix: 'ec2',
      signingService: 'ec2',
      renderSuccess: (action, payload, requestId) => ({
        status: 200,
        headers: { ...XML_HEADERS },
        body: `${XML_DECLARATION}<${action}Response xmlns="${namespace}"><requestId>${requestId}</requestId>${String(payload)}</${action}Response>`,
      }),
      renderError: (error, requestId) => ({
        status: error.status,
        headers: { ...XML_HEADERS },
        body:
          `${XML_DECLARATION}<Response><Errors><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error></Errors>` +
          `<RequestID>${requestId}</RequestID></Response>`,
      }),
    },
    {
      throttle: ['RequestLimitExceeded', 503, 'Request limit exceeded.'],
      accessDenied: ['UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'],
      serverError: ['InternalError', 500, 'An internal error has occurred.'],
      missingAuth: ['AuthFailure', 401, 'AWS was not able to validate the provided access credentials'],
      badSignature: ['AuthFailure', 401],
      unknownOperation: ['InvalidAction', 400],
      invalidParameter: ['InvalidParameterValue', 400],
      missingParameter: ['MissingParameter', 400],
      invalidToken: ['InvalidPaginationToken', 400],
      invalidClientToken: ['AuthFailure', 401, 'AWS was not able to validate the provided access credentials'],
      unavailable: ['ServiceUnavailable', 503, 'The request has failed due to a temporary failure of the server.'],
    },
  );
}

function awsQueryDialect(family: 'elbv2' | 'sts', servicePrefix: string, namespace: string): Dialect {
  return makeDialect(
    {
      family,
      servicePrefix,
      signingService: servicePrefix,
      renderSuccess: (action, payload, requestId) => ({
        status: 200,
        headers: { ...XML_HEADERS },
        body:
          `${XML_DECLARATION}<${action}Response xmlns="${namespace}"><${action}Result>${String(payload)}</${action}Result>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
      }),
      renderError: (error, requestId) => ({
        status: error.status,
        headers: { ...XML_HEADERS },
        body:
          `${XML_DECLARATION}<ErrorResponse xmlns="${namespace}"><Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
          `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      }),
    },
    {
      throttle: ['Throttling', 400, 'Rate exceeded'],
      accessDenied: ['AccessDenied', 403, 'Access denied.'],
      serverError: ['InternalFailure', 500, 'The request processing has failed because of an unknown error.'],
      missingAuth: ['MissingAuthenticationToken', 403, 'Request is missing Authentication Token'],
      badSignature: ['SignatureDoesNotMatch', 403],
      unknownOperation: ['InvalidAction', 400],
      invalidParameter: ['ValidationError', 400],
      missingParameter: ['ValidationError', 400],
      invalidToken: ['ValidationError', 400],
      invalidClientToken: ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.'],
      unavailable: ['ServiceUnavailable', 503, 'Service is unavailable. Please try again later.'],
    },
  );
}

function restJsonDialect(servicePrefix: 'apigateway' | 'apigatewayv2'): Dialect {
  const jsonHeaders = (requestId: string) => ({ 'content-type': 'application/json', 'x-amzn-requestid': requestId });
  return makeDialect(
    {
      family: 'apigateway',
      servicePrefix,
      // Both API Gateway clients sign as `apigateway`.
      signingService: 'apigateway',
      renderSuccess: (_action, payload, requestId) => ({ status: 200, headers: jsonHeaders(requestId), body: JSON.stringify(payload) }),
      renderError: (error, requestId) => ({
        status: error.status,
        headers: { ...jsonHeaders(requestId), 'x-amzn-errortype': error.code },
        body: JSON.stringify({ message: error.message }),
      }),
    },
    {
      throttle: ['TooManyRequestsException', 429, 'Too Many Requests'],
      accessDenied: ['AccessDeniedException', 403, 'Access denied.'],
      // v1 models ServiceUnavailableException (503); v2 models no server error, so the common one.
      serverError:
        servicePrefix === 'apigateway'
          ? ['ServiceUnavailableException', 503, 'Service Unavailable']
          : ['InternalFailure', 500, 'The request processing has failed because of an unknown error.'],
      missingAuth: ['MissingAuthenticationTokenException', 403, 'Missing Authentication Token'],
      badSignature: ['InvalidSignatureException', 403],
      unknownOperation: ['UnknownOperationException', 404],
      invalidParameter: ['BadRequestException', 400],
      missingParameter: ['BadRequestException', 400],
      invalidToken: ['BadRequestException', 400],
      invalidClientToken: ['UnrecognizedClientException', 403, 'The security token included in the request is invalid.'],
      // v1 models ServiceUnavailableException; v2 gets the common error code.
      unavailable:
        servicePrefix === 'apigateway'
          ? ['ServiceUnavailableException', 503, 'Service Unavailable']
          : ['ServiceUnavailable', 503, 'Service is unavailable. Please try again later.'],
    },
  );
}

type AwsJsonFamily = 'servicediscovery' | 'organizations';

/** awsJson1.1 services: `X-Amz-Target` routing, errors as `{"__type", "Message", …members}`. */
function awsJsonDialect(family: AwsJsonFamily, errors: Pick<DialectErrors, 'throttle' | 'accessDenied' | 'serverError' | 'invalidParameter' | 'missingParameter' | 'invalidToken'>, signingRegion?: string): Dialect {
  const jsonHeaders = (requestId: string) => ({ 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId });
  return makeDialect(
    {
      family,
      servicePrefix: family,
      signingService: family,
      ...(signingRegion ? { signingRegion } : {}),
      renderSuccess: (_action, payload, requestId) => ({ status: 200, headers: jsonHeaders(requestId), body: JSON.stringify(payload) }),
      renderError: (error, requestId) => ({
        status: error.status,
        headers: jsonHeaders(requestId),
        body: JSON.stringify({ __type: error.code, Message: error.message, ...error.members }),
      }),
    },
    {
      ...errors,
      missingAuth: ['MissingAuthenticationTokenException', 403, 'Missing Authentication Token'],
      badSignature: ['InvalidSignatureException', 400],
      unknownOperation: ['UnknownOperationException', 400],
      invalidClientToken: ['UnrecognizedClientException', 400, 'The security token included in the request is invalid.'],
      unavailable: ['ServiceUnavailable', 503, 'Service is unavailable. Please try again later.'],
    },
  );
}

export const dialects = {
  ec2: ec2QueryDialect(),
  elbv2: awsQueryDialect('elbv2', 'elasticloadbalancing', 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/'),
  sts: awsQueryDialect('sts', 'sts', 'https://sts.amazonaws.com/doc/2011-06-15/'),
  apigateway: restJsonDialect('apigateway'),
  apigatewayv2: restJsonDialect('apigatewayv2'),
  servicediscovery: awsJsonDialect('servicediscovery', {
    // The client models RequestLimitExceeded (429) as Cloud Map's throttling error.
    throttle: ['RequestLimitExceeded', 429, 'Rate exceeded'],
    accessDenied: ['AccessDeniedException', 400, 'Access denied.'],
    serverError: ['InternalFailure', 500, 'The request processing has failed because of an unknown error.'],
    invalidParameter: ['InvalidInput', 400],
    missingParameter: ['InvalidInput', 400],
    invalidToken: ['InvalidInput', 400],
  }),
  // Organizations is global: the SDK resolves organizations.us-east-1.amazonaws.com and signs for
  // us-east-1. Its client models TooManyRequestsException, ServiceException and InvalidInputException.
  organizations: awsJsonDialect(
    'organizations',
    {
      throttle: ['TooManyRequestsException', 400, "AWS Organizations can't complete your request because the request rate is too high."],
      accessDenied: ['AccessDeniedException', 400, "You don't have permissions to access this resource."],
      serverError: ['ServiceException', 500, "AWS Organizations can't complete your request because of an internal service error."],
      invalidParameter: ['InvalidInputException', 400],
      missingParameter: ['InvalidInputException', 400],
      invalidToken: ['InvalidInputException', 400],
    },
    'us-east-1',
  ),
} as const;

// ---------------------------------------------------------------------------------------------
// SigV4

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

/** What a request's SigV4 credential scope says. */
export interface SignatureScope {
  accessKeyId: string;
  region: string;
  service: string;
}

/**
 * Rejects a request whose Authorization header is missing, is not SigV4, or whose credential
 * scope names another service or a Region `acceptRegion` refuses; returns the scope. The
 * signature itself is not recomputed: the fake does not know the caller's secret.
 */
export function verifySignature(
  headers: Record<string, string | string[] | undefined>,
  dialect: Dialect,
  acceptRegion: (region: string) => boolean,
): SignatureScope {
  const authorization = headers['authorization'];
  if (typeof authorization !== 'string' || authorization === '') throw dialect.missingAuth();
  const m = AUTHORIZATION.exec(authorization);
  if (!m) throw dialect.badSignature('Authorization header requires a SigV4 Credential, SignedHeaders and Signature.');
  const [, accessKeyId, , scopeRegion, scopeService, signedHeaders] = m;
  if (scopeService !== dialect.signingService) {
    throw dialect.badSignature(`Credential should be scoped to correct service: '${dialect.signingService}'.`);
  }
  if (!acceptRegion(scopeRegion!)) throw dialect.badSignature(`Credential should be scoped to a valid region, not '${scopeRegion}'.`);
  const signed = signedHeaders!.split(';');
  if (!signed.includes('host') || !headers['x-amz-date'] || !signed.includes('x-amz-date')) {
    throw dialect.badSignature('The request signature must cover the host and x-amz-date headers.');
  }
  return { accessKeyId: accessKeyId!, region: scopeRegion!, service: scopeService! };
}

/** `verifySignature` for a fake that serves exactly one Region. */
export function checkSignature(headers: Record<string, string | string[] | undefined>, dialect: Dialect, region: string): SignatureScope {
  return verifySignature(headers, dialect, (scopeRegion) => scopeRegion === region);
}

// ---------------------------------------------------------------------------------------------
// Query protocol request decoding

const NUMERIC_KEYS = new Set(['MaxResults', 'PageSize', 'Port', 'TargetVersion', 'DurationSeconds']);
const BOOLEAN_KEYS = new Set(['IncludeManagedResources', 'DryRun']);

type Tree = Record<string, unknown> | unknown[];

/**
 * `Filter.1.Value.2=x` / `LoadBalancerArns.member.1=y` → nested objects and arrays. `member`
 * (the awsQuery list wrapper) is dropped, so both protocols decode to the same tree.
 */
function decodeForm(form: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, rawValue] of form) {
    if (key === 'Action' || key === 'Version') continue;
    const path = key.split('.').filter((segment) => segment !== 'member');
    let container: Tree = root;
    path.forEach((segment, i) => {
      const slot: string | number = /^\d+$/.test(segment) ? Number(segment) - 1 : segment;
      const holder = container as Record<string | number, unknown>;
      if (i === path.length - 1) {
        holder[slot] = typedScalar(segment, path, rawValue);
        return;
      }
      if (holder[slot] === undefined) holder[slot] = /^\d+$/.test(path[i + 1]!) ? [] : {};
      container = holder[slot] as Tree;
    });
  }
  return compactArrays(root) as Record<string, unknown>;
}

function typedScalar(segment: string, path: string[], value: string): unknown {
  const name = /^\d+$/.test(segment) ? path[path.length - 2] : segment;
  if (name !== undefined && NUMERIC_KEYS.has(name) && /^-?\d+$/.test(value)) return Number(value);
  if (name !== undefined && BOOLEAN_KEYS.has(name)) return value === 'true';
  return value;
}

/** Drops holes left by skipped indexes (`Filter.2` without `Filter.1`). */
function compactArrays(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compactArrays);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compactArrays(v)]));
  }
  return value;
}

/** awsQuery (ELBv2, STS) parameters, named as the SDK input members. */
export function decodeQueryParams(form: URLSearchParams): Params {
  return decodeForm(form);
}

/**
 * ec2Query parameters, renamed to the SDK input members: flattened lists use the singular
 * wire name (`GroupId.1`, `Filter.1.Value.1`), the SDK's members are `GroupIds`, `Filters[].Values`.
 */
export function decodeEc2Params(form: URLSearchParams): Params {
  const raw = decodeForm(form);
  const out: Params = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'Filter' && Array.isArray(value)) {
      out['Filters'] = value.map((f) => {
        const filter = (f ?? {}) as Record<string, unknown>;
        return { Name: filter['Name'], Values: Array.isArray(filter['Value']) ? filter['Value'] : [] };
      });
    } else if (Array.isArray(value)) {
      out[`${key}s`] = value;
    } else {
      out[key] = value;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Typed parameter access for handlers

export function stringParam(params: Params, name: string): string | undefined {
  const v = params[name];
  return typeof v === 'string' ? v : undefined;
}

export function stringListParam(params: Params, name: string): string[] | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : undefined;
}

export function requireString(params: Params, name: string, dialect: Dialect): string {
  const v = stringParam(params, name);
  if (v === undefined || v === '') throw dialect.missingParameter(name);
  return v;
}
