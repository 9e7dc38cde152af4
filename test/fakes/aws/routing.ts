/**
 * Which operation a request is, from its shape: `X-Amz-Target` (awsJson1.1: Cloud Map,
 * Organizations), a Query form (`Action` + `Version`: EC2, ELBv2, STS) or a REST path (API
 * Gateway v1/v2). Parameters are decoded under the SDK input members' names.
 */

import type { IncomingMessage } from 'node:http';

import { apigatewayRoutes } from './apigateway';
import { ec2Operations } from './ec2';
import { elbv2Operations } from './elbv2';
import { ORGANIZATIONS_TARGET_PREFIX, organizationsOperations } from './organizations';
import { type Dialect, type OperationHandler, type Params, ServiceError, decodeEc2Params, decodeQueryParams, dialects } from './protocol';
import { SERVICE_DISCOVERY_TARGET_PREFIX, serviceDiscoveryOperations } from './servicediscovery';
import { stsOperations } from './sts';

/** A routed request: which operation it is, how to answer it, and the decoded parameters. */
export interface Routed {
  operation: string;
  action: string;
  dialect: Dialect;
  params: Params;
  handler?: OperationHandler;
  /** Set when the request cannot be served at all (unknown action, unreadable body). */
  error?: ServiceError;
  /** Unroutable requests are answered without looking at their signature. */
  skipAuth?: boolean;
}

const QUERY_SERVICES: Record<string, { dialect: Dialect; operations: Record<string, OperationHandler>; decode: (form: URLSearchParams) => Params }> = {
  '2016-11-15': { dialect: dialects.ec2, operations: ec2Operations, decode: decodeEc2Params },
  '2015-12-01': { dialect: dialects.elbv2, operations: elbv2Operations, decode: decodeQueryParams },
  '2011-06-15': { dialect: dialects.sts, operations: stsOperations, decode: decodeQueryParams },
};

/** awsJson1.1 target prefixes; any other prefix is answered by Cloud Map's dialect. */
const JSON_SERVICES: Record<string, { dialect: Dialect; operations: Record<string, OperationHandler> }> = {
  [SERVICE_DISCOVERY_TARGET_PREFIX]: { dialect: dialects.servicediscovery, operations: serviceDiscoveryOperations },
  [ORGANIZATIONS_TARGET_PREFIX]: { dialect: dialects.organizations, operations: organizationsOperations },
};

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function routeJsonTarget(target: string, body: string): Routed {
  const [prefix = '', action = ''] = target.split('.');
  const service = JSON_SERVICES[prefix];
  const dialect = service?.dialect ?? dialects.servicediscovery;
  const operation = `${dialect.servicePrefix}:${action}`;
  const handler = service?.operations[action];
  let params: Params = {};
  try {
    const parsed: unknown = JSON.parse(body || '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) params = parsed as Params;
    else return { operation, action, dialect, params, error: new ServiceError('SerializationException', 'Request body must be a JSON object.', 400) };
  } catch {
    return { operation, action, dialect, params, error: new ServiceError('SerializationException', 'Request body is not valid JSON.', 400) };
  }
  if (!handler) return { operation, action, dialect, params, error: dialect.unknownOperation(target) };
  return { operation, action, dialect, params, handler };
}

function routeQuery(body: string): Routed {
  const form = new URLSearchParams(body);
  const action = form.get('Action') ?? '';
  const version = form.get('Version') ?? '';
  const service = QUERY_SERVICES[version];
  if (!service) {
    // No service claims this version: answer in the generic awsQuery error envelope.
    return {
      operation: `unknown:${action}`,
      action,
      dialect: dialects.elbv2,
      params: decodeQueryParams(form),
      error: new ServiceError('NoSuchVersion', `Could not find operation ${action} for version ${version}`, 400),
      skipAuth: true,
    };
  }
  const { dialect } = service;
  const params = service.decode(form);
  const handler = service.operations[action];
  const operation = `${dialect.servicePrefix}:${action}`;
  if (!handler) return { operation, action, dialect, params, error: dialect.unknownOperation(action) };
  return { operation, action, dialect, params, handler };
}

function routeRest(method: string, url: URL): Routed {
  for (const route of apigatewayRoutes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(url.pathname);
    if (!m) continue;
    const params: Params = {};
    for (const [name, value] of Object.entries(m.groups ?? {})) params[name] = decodeURIComponent(value);
    for (const [wireName, memberName] of Object.entries(route.query)) {
      const values = url.searchParams.getAll(wireName);
      if (values.length === 0) continue;
      if (route.listQuery?.includes(wireName)) params[memberName] = values;
      else if (route.integerQuery?.includes(wireName) && /^\d+$/.test(values[0]!)) params[memberName] = Number(values[0]);
      else params[memberName] = values[0];
    }
    const dialect = dialects[route.service];
    return { operation: `${route.service}:${route.action}`, action: route.action, dialect, params, handler: route.handler };
  }
  const dialect = url.pathname.startsWith('/v2/') ? dialects.apigatewayv2 : dialects.apigateway;
  const action = `${method} ${url.pathname}`;
  return { operation: `${dialect.servicePrefix}:${action}`, action, dialect, params: Object.fromEntries(url.searchParams), error: dialect.unknownOperation(action) };
}

export function route(req: IncomingMessage, body: string): Routed {
  const url = new URL(req.url ?? '/', 'http://fake');
  const target = header(req, 'x-amz-target');
  if (target) return routeJsonTarget(target, body);
  const contentType = header(req, 'content-type') ?? '';
  if (req.method === 'POST' && (contentType.startsWith('application/x-www-form-urlencoded') || /(^|&)Action=/.test(body))) return routeQuery(body);
  return routeRest(req.method ?? 'GET', url);
}
