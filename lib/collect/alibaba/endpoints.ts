/**
 * Where each Alibaba Cloud product is called. Defaults are the documented public regional
 * endpoints (API reference "Endpoints" pages of CloudAPI 2016-07-14, ECS 2014-05-26,
 * VPC 2016-04-28, SLB 2014-05-15; STS is global). The contract in CONTRACTS.md adds
 * `ALIBABA_CLOUD_ENDPOINT_URL` (every product) and `ALIBABA_CLOUD_ENDPOINT_URL_<PRODUCT>` (one
 * product, wins over the global one) for emulators and proxies; both are read at collection time.
 */

export type AlibabaProduct = 'apigateway' | 'ecs' | 'vpc' | 'slb' | 'sts';

export const ALIBABA_PRODUCTS: readonly AlibabaProduct[] = ['apigateway', 'ecs', 'vpc', 'slb', 'sts'];

/** POP API versions the collector speaks. */
export const API_VERSIONS: Readonly<Record<AlibabaProduct, string>> = {
  apigateway: '2016-07-14',
  ecs: '2014-05-26',
  vpc: '2016-04-28',
  slb: '2014-05-15',
  sts: '2015-04-01',
};

/**
 * Regions where a product's documented public endpoint is the central host rather than
 * `<product>.<region>.aliyuncs.com` (SLB endpoint table: China (Hangzhou) → slb.aliyuncs.com).
 */
const CENTRAL_ENDPOINT_REGIONS: Partial<Record<AlibabaProduct, ReadonlySet<string>>> = {
  slb: new Set(['cn-hangzhou']),
};

export const GLOBAL_ENDPOINT_VARIABLE = 'ALIBABA_CLOUD_ENDPOINT_URL';

export function productEndpointVariable(product: AlibabaProduct): string {
  return `${GLOBAL_ENDPOINT_VARIABLE}_${product.toUpperCase()}`;
}

/** `https://` is assumed when an override names only a host; a trailing slash is dropped (pop-core appends `/`). */
function normalizeBaseUrl(value: string): string {
  const trimmed = value.trim();
  const withScheme = /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  return withScheme.replace(/\/+$/, '');
}

function defaultEndpoint(product: AlibabaProduct, region: string): string {
  if (product === 'sts') return 'https://sts.aliyuncs.com';
  if (CENTRAL_ENDPOINT_REGIONS[product]?.has(region)) return `https://${product}.aliyuncs.com`;
  return `https://${product}.${region}.aliyuncs.com`;
}

/** The base URL for one product: product override, else global override, else the regional default. */
export function resolveEndpoint(product: AlibabaProduct, region: string, env: NodeJS.ProcessEnv = process.env): string {
  const specific = env[productEndpointVariable(product)];
  if (specific && specific.trim()) return normalizeBaseUrl(specific);
  const global = env[GLOBAL_ENDPOINT_VARIABLE];
  if (global && global.trim()) return normalizeBaseUrl(global);
  return defaultEndpoint(product, region);
}

export function resolveEndpoints(region: string, env: NodeJS.ProcessEnv = process.env): Record<AlibabaProduct, string> {
  const out = {} as Record<AlibabaProduct, string>;
  for (const product of ALIBABA_PRODUCTS) out[product] = resolveEndpoint(product, region, env);
  return out;
}

/**
 * ActionTrail (2020-07-06), read by the Function Compute timer only (recent CloudAPI write events,
 * lib/collect/alibaba/actiontrail.ts). Not an inventory product: it is not in ALIBABA_PRODUCTS.
 * Override: `ALIBABA_CLOUD_ENDPOINT_URL_ACTIONTRAIL`, else the global override, else
 * `https://actiontrail.<region>.aliyuncs.com`.
 */
export const ACTIONTRAIL_API_VERSION = '2020-07-06';
export const ACTIONTRAIL_ENDPOINT_VARIABLE = `${GLOBAL_ENDPOINT_VARIABLE}_ACTIONTRAIL`;

export function resolveActionTrailEndpoint(region: string, env: NodeJS.ProcessEnv = process.env): string {
  const specific = env[ACTIONTRAIL_ENDPOINT_VARIABLE];
  if (specific && specific.trim()) return normalizeBaseUrl(specific);
  const global = env[GLOBAL_ENDPOINT_VARIABLE];
  if (global && global.trim()) return normalizeBaseUrl(global);
  return `https://actiontrail.${region}.aliyuncs.com`;
}

/**
 * Resource Management (ResourceManager 2020-03-31), read by the fan-out dispatcher only (the
 * resource directory's members). Global endpoint. Override: `ALIBABA_CLOUD_ENDPOINT_URL_RESOURCEMANAGER`,
 * else the global override.
 */
export const RESOURCE_MANAGER_API_VERSION = '2020-03-31';
export const RESOURCE_MANAGER_ENDPOINT_VARIABLE = `${GLOBAL_ENDPOINT_VARIABLE}_RESOURCEMANAGER`;

export function resolveResourceManagerEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const specific = env[RESOURCE_MANAGER_ENDPOINT_VARIABLE];
  if (specific && specific.trim()) return normalizeBaseUrl(specific);
  const global = env[GLOBAL_ENDPOINT_VARIABLE];
  if (global && global.trim()) return normalizeBaseUrl(global);
  return 'https://resourcemanager.aliyuncs.com';
}
