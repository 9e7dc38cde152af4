/**
 * What the Lambda handlers need from the outside world, injectable so tests can run the real
 * handlers against fakes: the collector, the environment, the parameter store and the log sink.
 */
import type { PrepareAuditOptions } from '../../lib/audit';
import { collectAwsRegion } from '../../lib/collect/aws/collect-region';
import { collectAwsScoped } from '../../lib/collect/aws/scoped';
import type { AuditConfig } from '../../lib/config/schema';
import type { ScopedCollectors } from '../../lib/scope/plan';
import { loadFunctionConfig, type ParameterReader } from './config';
import type { LineWriter } from './log';
import { ssmParameterReader } from './ssm';
import type { CollectRegion } from './run-audit';

export interface AwsRuntime {
  env: NodeJS.ProcessEnv;
  collect: CollectRegion;
  /** Scoped re-reads for a region (lib/collect/aws/scoped.ts); absent: scoped requests run full. */
  scopedCollectors?: (region: string) => ScopedCollectors;
  /** How the state store and sinks are built (tests: a store or sinks to use instead). */
  audit?: PrepareAuditOptions;
  readParameter?: ParameterReader;
  now?: () => Date;
  writeLog?: LineWriter;
}

/** The subset of the Lambda context the handlers read. */
export interface LambdaContextLike {
  awsRequestId?: string;
  functionName?: string;
  invokedFunctionArn?: string;
  getRemainingTimeInMillis?: () => number;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:alias]` → the account. */
export function accountOfFunction(context: LambdaContextLike): string | undefined {
  const account = context.invokedFunctionArn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

export function regionOfFunction(env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** The real runtime: default credential chain (the function's role), SSM for `ssm:` configuration. */
export function defaultAwsRuntime(): AwsRuntime {
  return {
    env: process.env,
    collect: (region) => collectAwsRegion({ region }),
    scopedCollectors: (region) => ({ aws: (base, reads, touched) => collectAwsScoped(base, reads, touched, { region }) }),
    readParameter: ssmParameterReader(),
  };
}

export function loadAwsConfig(runtime: AwsRuntime): Promise<AuditConfig> {
  return loadFunctionConfig({ env: runtime.env, ...(runtime.readParameter ? { readParameter: runtime.readParameter } : {}) });
}
