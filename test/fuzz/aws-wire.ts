/**
 * In-process AWS answers for the wire fuzz suite: real SDK v3 clients whose request handler
 * answers without a socket, so the SDK's own deserializers (ec2Query / awsQuery XML, restJson1,
 * awsJson1.1) read every body. One operation gets the body under test; every other operation an
 * empty, well-formed answer in its protocol.
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { STSClient } from '@aws-sdk/client-sts';
import { Readable } from 'node:stream';
import type { AwsClients } from '../../lib/collect/aws/clients';

export const WIRE_ACCOUNT = '123456789012';

export interface WireAnswer {
  status: number;
  contentType: string;
  body: string | Buffer;
}

interface SdkRequest {
  hostname: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** The shape the SDK accepts as an HTTP response (it checks the members, not the class). */
class InProcessResponse {
  constructor(
    readonly statusCode: number,
    readonly headers: Record<string, string>,
    readonly body: Readable,
  ) {}
}

/** `<service>:<Action>` of a request, as named in lib/inventory/aws-operations.ts. */
export function operationOf(request: SdkRequest): string {
  const host = request.hostname.split('.')[0]!;
  const body = typeof request.body === 'string' ? request.body : '';
  const target = request.headers['x-amz-target'];
  if (target) return `servicediscovery:${target.split('.')[1] ?? ''}`;
  if (host === 'ec2' || host === 'elasticloadbalancing' || host === 'sts') return `${host}:${new URLSearchParams(body).get('Action') ?? ''}`;
  if (request.path.startsWith('/v2/vpclinks')) return 'apigatewayv2:GetVpcLinks';
  if (request.path.startsWith('/v2/apis')) return `apigatewayv2:${request.path}`;
  return `apigateway:${request.path}`;
}

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const ELB_NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

/** An empty, well-formed success answer for any operation the collector sends. */
export function emptyAnswer(operation: string): WireAnswer {
  const [service, action] = operation.split(':') as [string, string];
  const xml = (body: string): WireAnswer => ({ status: 200, contentType: 'text/xml', body });
  if (service === 'sts') {
    return xml(`<GetCallerIdentityResponse><GetCallerIdentityResult><Account>${WIRE_ACCOUNT}</Account><Arn>arn:aws:iam::${WIRE_ACCOUNT}:user/a</Arn><UserId>AIDA</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>`);
  }
  if (service === 'ec2') return xml(`<${action}Response xmlns="${EC2_NS}"><requestId>r</requestId></${action}Response>`);
  if (service === 'elasticloadbalancing') return xml(`<${action}Response xmlns="${ELB_NS}"><${action}Result></${action}Result></${action}Response>`);
  if (service === 'servicediscovery') return { status: 200, contentType: 'application/x-amz-json-1.1', body: '{}' };
  return { status: 200, contentType: 'application/json', body: '{}' };
}

export interface InProcessAws {
  clients: AwsClients;
  /** Operations the clients sent, in order. */
  sent: string[];
  destroy(): void;
}

/** Clients answering `answer(operation)` in process (`undefined`: the empty answer). */
export function inProcessAws(answer: (operation: string) => WireAnswer | undefined): InProcessAws {
  const sent: string[] = [];
  const requestHandler = {
    handle: async (request: SdkRequest) => {
      const operation = operationOf(request);
      sent.push(operation);
      const reply = answer(operation) ?? emptyAnswer(operation);
      const body = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body, 'utf8');
      return { response: new InProcessResponse(reply.status, { 'content-type': reply.contentType, 'x-amzn-requestid': 'r' }, Readable.from([body])) };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
  const config = {
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDFUZZ', secretAccessKey: 'fuzz-secret' },
    maxAttempts: 1,
    requestHandler: requestHandler as never,
  };
  const clients: AwsClients = {
    sts: new STSClient(config),
    ec2: new EC2Client(config),
    apiGatewayV2: new ApiGatewayV2Client(config),
    apiGateway: new APIGatewayClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    serviceDiscovery: new ServiceDiscoveryClient(config),
  };
  return { clients, sent, destroy: () => Object.values(clients).forEach((c) => c.destroy()) };
}
