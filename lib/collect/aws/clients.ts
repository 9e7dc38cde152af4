import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { FinalizeRequestMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { errorCode } from '../errors';
import { acquireAll, isThrottlingCode, type RateLimiter } from '../rate-limiter';
import type { AwsRateLimiters } from './limits';

export interface AwsClients {
  sts: STSClient;
  ec2: EC2Client;
  apiGatewayV2: ApiGatewayV2Client;
  apiGateway: APIGatewayClient;
  elbv2: ElasticLoadBalancingV2Client;
  serviceDiscovery: ServiceDiscoveryClient;
}

export interface AwsClientSettings {
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  maxAttempts: number;
  /** Per HTTP attempt; a hung connection becomes a retryable TimeoutError instead of a stall. */
  requestTimeoutMs: number;
}

/**
 * One client per service. No `endpoint` is set, so the SDK's own AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE> resolution applies. One credential provider is shared so the
 * default chain (which may call IMDS or SSO) is resolved once, not once per client.
 */
export function createAwsClients(settings: AwsClientSettings): AwsClients {
  const credentials = settings.credentials ?? fromNodeProviderChain({ clientConfig: { region: settings.region } });
  const config = {
    region: settings.region,
    credentials,
    maxAttempts: settings.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      requestTimeout: settings.requestTimeoutMs,
      // Without this the handler only logs a warning and a hung response stalls the audit.
      throwOnRequestTimeout: true,
      connectionTimeout: Math.min(settings.requestTimeoutMs, 10_000),
    },
  };
  return {
    sts: new STSClient(config),
    ec2: new EC2Client(config),
    apiGatewayV2: new ApiGatewayV2Client(config),
    apiGateway: new APIGatewayClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    serviceDiscovery: new ServiceDiscoveryClient(config),
  };
}

interface StackOwner<I extends object, O extends MetadataBearer> {
  middlewareStack: MiddlewareStack<I, O>;
}

/**
 * Paces every HTTP attempt (retries included) through the given limiters. It sits just before
 * signing, inside the SDK's retry loop, so a request waiting for a token is not signed yet and the
 * SDK's backoff happens without holding a concurrency slot. Returns a function that detaches it.
 */
export function paceClient<I extends object, O extends MetadataBearer>(
  client: StackOwner<I, O>,
  limitersFor: (commandName: string) => RateLimiter[],
  name: string,
): () => void {
  const middleware: FinalizeRequestMiddleware<I, O> = (next, context) => async (args) => {
    const limiters = limitersFor(String(context.commandName ?? ''));
    const release = await acquireAll(limiters);
    try {
      const result = await next(args);
      for (const l of limiters) l.succeeded();
      return result;
    } catch (error) {
      // The quota is lower than the pace, or shared: every limiter this request passed slows down.
      if (isThrottlingCode(errorCode(error))) for (const l of limiters) l.throttled();
      throw error;
    } finally {
      release();
    }
  };
  client.middlewareStack.addRelativeTo(middleware, { name, relation: 'before', toMiddleware: 'httpSigningMiddleware', override: true });
  return () => {
    client.middlewareStack.remove(name);
  };
}

/** Attaches the per-family limiters to each client; returns one function that detaches them all. */
export function paceAwsClients(clients: AwsClients, limiters: AwsRateLimiters, name: string): () => void {
  const apiGateway = [limiters.apigateway];
  const detach = [
    paceClient(clients.ec2, () => [limiters.ec2], name),
    paceClient(clients.apiGatewayV2, () => apiGateway, name),
    // GetResources has its own, stricter quota on top of the account-wide one; narrowest first.
    paceClient(
      clients.apiGateway,
      (command) => (command === 'GetResourcesCommand' ? [limiters.apigatewayGetResources, limiters.apigateway] : apiGateway),
      name,
    ),
    paceClient(clients.elbv2, () => [limiters.elbv2], name),
    paceClient(clients.serviceDiscovery, () => [limiters.servicediscovery], name),
  ];
  return () => {
    for (const d of detach) d();
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  for (const client of Object.values(clients) as Array<{ destroy(): void }>) client.destroy();
}
