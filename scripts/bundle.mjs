#!/usr/bin/env node
/**
 * Bundles the function entry points with esbuild:
 *   functions/aws/<name>.ts      → dist-functions/aws/<name>.js     (one Lambda handler each)
 *   functions/alibaba/index.ts   → dist-functions/alibaba/index.js  (timer, eventbridge, http, dispatch, worker)
 * Everything is bundled, the AWS SDK v3 included (the Lambda runtime ships one, but bundling pins
 * the versions that were tested). Source maps are written beside each bundle, not referenced.
 * Writes dist-functions/meta.json (esbuild metafile: which sources each bundle contains; the
 * least-privilege test reads it) and fails when a bundle exceeds the 2 MB budget.
 *
 * The AWS bundles leave out the Alibaba Cloud POP SDK (@alicloud/pop-core and its XML/HTTP
 * dependencies, ~160 KiB): on Lambda it could only serve Alibaba STS role assumption for an OSS
 * state store or an MNS sink, which the AWS functions do not offer (OSS/MNS there use the
 * ALIBABA_CLOUD_* environment keys directly). A stub takes its place and throws if ever called.
 * They also leave out DynamoDB's endpoint-discovery command (DescribeEndpoints): discovery is off
 * unless AWS_ENABLE_ENDPOINT_DISCOVERY is set, and GetItem/PutItem/Query never require it, so the
 * role needs no `dynamodb:DescribeEndpoints` (which cannot be scoped to the table).
 *
 * The Function Compute bundle leaves out the AWS SDK clients of the AWS-only state store and sinks
 * (DynamoDB, SQS, Security Hub, SSM secrets): on Function Compute the state lives in OSS and
 * notifications go to MNS or HTTP sinks. A stub takes their place; a configuration naming one of
 * them there fails when the client is created, with a message that says so. Its fan-out worker
 * runs Alibaba Cloud jobs only, so the AWS collectors behind lib/fanout/collect-job.ts are stubs too.
 * The AWS fan-out functions are bundled like the others: dispatch (the planner, Organizations and
 * SQS; no collector) and worker (scheduledScan's code plus STS role assumption for member accounts).
 * Everything else the functions run (state stores, sinks, scoped re-reads) is in each bundle: a
 * Lambda zip holds exactly one file.
 *
 * An `audit-config.{yaml,yml,json}` at the repository root is copied next to the FC bundle.
 *
 * Usage: node scripts/bundle.mjs [--quiet]
 */
import { build } from 'esbuild';
import { copyFileSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist-functions');
export const MAX_BUNDLE_BYTES = 2 * 1024 * 1024;
const quiet = process.argv.includes('--quiet');

const awsEntries = readdirSync(join(root, 'functions/aws'))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .sort();
const awsEntryPoints = Object.fromEntries(awsEntries.map((file) => [`aws/${file.slice(0, -3)}`, join(root, 'functions/aws', file)]));
const alibabaEntryPoints = { 'alibaba/index': join(root, 'functions/alibaba/index.ts') };

/** @alicloud/pop-core → a stub in the AWS bundles (see the header). */
const withoutPopCore = {
  name: 'without-pop-core',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@alicloud\/pop-core$/ }, () => ({ path: 'pop-core-stub', namespace: 'apigw-stub' }));
    pluginBuild.onLoad({ filter: /^pop-core-stub$/, namespace: 'apigw-stub' }, () => ({
      contents:
        'class RPCClient { constructor() { throw new Error("@alicloud/pop-core is not part of the AWS function bundles: Alibaba Cloud STS role assumption is not available on Lambda"); } }\n' +
        'module.exports = RPCClient; module.exports.default = RPCClient; module.exports.RPCClient = RPCClient;\n',
      loader: 'js',
    }));
  },
};

/**
 * zod's `z` namespace re-exports every message locale (~260 KiB minified); the auditor only uses
 * the default English messages, so the locale index is reduced to `en`.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/** DynamoDB's DescribeEndpointsCommand → a stub in the AWS bundles (see the header). */
const withoutEndpointDiscovery = {
  name: 'without-endpoint-discovery',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /DescribeEndpointsCommand(\.js)?$/ }, (args) =>
      /client-dynamodb/.test(args.importer) ? { path: 'dynamodb-describe-endpoints-stub', namespace: 'apigw-stub' } : undefined,
    );
    pluginBuild.onLoad({ filter: /^dynamodb-describe-endpoints-stub$/, namespace: 'apigw-stub' }, () => ({
      contents:
        'export class DescribeEndpointsCommand { constructor() { throw new Error("DynamoDB endpoint discovery is not supported by the auditor functions: unset AWS_ENABLE_ENDPOINT_DISCOVERY"); } }\n',
      loader: 'js',
    }));
  },
};

/**
 * lib/collect/alibaba/collect-region → a stub in the AWS bundles: the AWS fan-out worker runs jobs
 * through lib/fanout/collect-job.ts, which serves both clouds, but it refuses any job that is not
 * an AWS one before collecting, so the Alibaba Cloud collectors (~30 KiB) would be dead weight.
 */
const withoutAlibabaCollector = {
  name: 'without-alibaba-collector',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /collect\/alibaba\/collect-region(\.ts)?$/ }, (args) =>
      /lib[\\/]fanout[\\/]collect-job/.test(args.importer) ? { path: 'alibaba-collector-stub', namespace: 'apigw-stub' } : undefined,
    );
    pluginBuild.onLoad({ filter: /^alibaba-collector-stub$/, namespace: 'apigw-stub' }, () => ({
      contents:
        'export function collectAlibabaRegion() { throw new Error("the Alibaba Cloud collectors are not part of the AWS function bundles: Alibaba Cloud jobs run on Function Compute"); }\n',
      loader: 'js',
    }));
  },
};

/**
 * The AWS collectors and role assumption → stubs in the Function Compute bundle, for
 * lib/fanout/collect-job.ts only: the FC fan-out worker runs jobs through it, but refuses any job
 * that is not an Alibaba Cloud one before collecting, so the AWS SDK clients (~1 MiB) would be
 * dead weight.
 */
const withoutAwsCollectors = {
  name: 'without-aws-collectors',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /collect\/aws\/(collect-region|assume-role)(\.ts)?$/ }, (args) =>
      /lib[\\/]fanout[\\/]collect-job/.test(args.importer) ? { path: `aws-collector-stub:${args.path.includes('assume-role') ? 'assume-role' : 'collect-region'}`, namespace: 'apigw-stub' } : undefined,
    );
    pluginBuild.onLoad({ filter: /^aws-collector-stub:/, namespace: 'apigw-stub' }, () => ({
      contents:
        'function unavailable() { throw new Error("the AWS collectors are not part of the Function Compute bundle: AWS jobs run on Lambda"); }\n' +
        'export const collectAwsRegion = unavailable; export const assumeAwsRole = unavailable;\n',
      loader: 'js',
    }));
  },
};

/** The AWS SDK clients of AWS-only sinks and state → a stub in the Function Compute bundle (see the header). */
const AWS_ONLY_CLIENTS = /^@aws-sdk\/client-(dynamodb|sqs|securityhub|ssm)$/;
const withoutAwsSinkClients = {
  name: 'without-aws-sink-clients',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: AWS_ONLY_CLIENTS }, (args) => ({ path: `aws-only:${args.path}`, namespace: 'apigw-stub' }));
    pluginBuild.onLoad({ filter: /^aws-only:/, namespace: 'apigw-stub' }, (args) => ({
      contents:
        `class Unavailable { constructor() { throw new Error(${JSON.stringify(`${args.path.slice('aws-only:'.length)} is not part of the Function Compute bundle: use the OSS state store and the MNS or HTTP sinks on Alibaba Cloud`)}); } }\n` +
        'module.exports = new Proxy({}, { get: (_, name) => (name === "__esModule" ? false : Unavailable) });\n',
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // ESM builds first: the SDK's CommonJS builds are single files esbuild cannot tree-shake (EC2 alone is 1 MB).
  mainFields: ['module', 'main'],
  // The SDK's ESM builds load node:http and friends with import(); as require() the bundle is plain
  // CommonJS, which every loader runs (including VM sandboxes such as jest's).
  supported: { 'dynamic-import': false },
  minify: true,
  sourcemap: 'external',
  // Keeps class and function names readable in stack traces (the Alibaba bundle). Error classes set
  // `name` themselves (`AwsCredentialsError`, `StateStoreError`, …), so failure classification never
  // depends on it; the AWS bundles go without (about 70 KiB) to stay inside the budget.
  keepNames: true,
  legalComments: 'none',
  metafile: true,
  logLevel: quiet ? 'error' : 'warning',
};
const [awsResult, alibabaResult] = await Promise.all([
  build({ ...common, entryPoints: awsEntryPoints, keepNames: false, plugins: [zodEnglishOnly, withoutPopCore, withoutEndpointDiscovery, withoutAlibabaCollector] }),
  build({ ...common, entryPoints: alibabaEntryPoints, plugins: [zodEnglishOnly, withoutAwsSinkClients, withoutAwsCollectors] }),
]);
const result = {
  metafile: {
    inputs: { ...alibabaResult.metafile.inputs, ...awsResult.metafile.inputs },
    outputs: { ...awsResult.metafile.outputs, ...alibabaResult.metafile.outputs },
  },
};
writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile, null, 2));

// A configuration file at the repository root ships with the Function Compute code directory
// (serverless.yml packages it for Lambda itself), so APIGW_AUDIT_CONFIG=audit-config.yaml works on both.
for (const name of ['audit-config.yaml', 'audit-config.yml', 'audit-config.json']) {
  if (existsSync(join(root, name))) copyFileSync(join(root, name), join(outdir, 'alibaba', name));
}

let oversized = 0;
const lines = [];
for (const output of Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js')).sort()) {
  const bytes = statSync(join(root, output)).size;
  if (bytes > MAX_BUNDLE_BYTES) oversized++;
  lines.push(`${relative(root, join(root, output)).padEnd(40)} ${(bytes / 1024).toFixed(0).padStart(6)} KiB${bytes > MAX_BUNDLE_BYTES ? '  OVER BUDGET' : ''}`);
}
if (!quiet || oversized > 0) process.stdout.write(`${lines.join('\n')}\n`);
if (oversized > 0) {
  process.stderr.write(`bundle: ${oversized} bundle(s) exceed ${MAX_BUNDLE_BYTES / 1024 / 1024} MB\n`);
  process.exit(1);
}
