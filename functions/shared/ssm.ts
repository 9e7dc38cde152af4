/**
 * SSM Parameter Store reads for `APIGW_AUDIT_CONFIG=ssm:/…` (with decryption), cached for a few
 * minutes so a changed configuration applies without a redeploy. Kept apart from aws-runtime.ts so
 * that a function without collectors (the fan-out dispatcher) does not bundle them.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { ParameterReader } from './config';

/** Parameter values are re-read after this long, so a changed configuration applies without a redeploy. */
const PARAMETER_TTL_MS = 5 * 60_000;

export function ssmParameterReader(): ParameterReader {
  let client: SSMClient | undefined;
  const cache = new Map<string, { value: string; readAt: number }>();
  return async (name) => {
    const hit = cache.get(name);
    if (hit && Date.now() - hit.readAt < PARAMETER_TTL_MS) return hit.value;
    client ??= new SSMClient({});
    const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = out.Parameter?.Value ?? '';
    cache.set(name, { value, readAt: Date.now() });
    return value;
  };
}
