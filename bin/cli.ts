import { rename, unlink, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { prepareAudit, runAudit, type RunAuditResult } from '../lib/audit';
import { describeResolution } from '../lib/collect/account';
import { AlibabaCredentialsError, environmentCredentials } from '../lib/collect/alibaba/credentials';
import { listResourceDirectoryAccounts } from '../lib/collect/alibaba/resource-directory';
import { AwsCredentialsError } from '../lib/collect/aws';
import { listOrganizationAccounts, OrganizationListError } from '../lib/collect/aws/organizations';
import { collectFleet, DEFAULT_CONCURRENCY, describeFailure, withUnauditedTargets } from '../lib/fanout/fleet';
import { planScanJobs, PlanError, wantsFanout } from '../lib/fanout/plan';
import { terminalProgress } from '../lib/fanout/progress';
import type { JobFailure } from '../lib/fanout/types';
import { ConfigError, loadConfigFile } from '../lib/config/load';
import { isAlibabaRegionName, isAwsRegionName } from '../lib/config/regions';
import type { AuditConfig } from '../lib/config/schema';
import { isIncomplete } from '../lib/findings/document';
import type { FindingsDocument } from '../lib/findings/types';
import { atOrAbove, UnknownRuleError, validateRuleSelection, type RuleSelection } from '../lib/findings/engine';
import { formatDocument, OUTPUT_FORMATS, type OutputFormat } from '../lib/findings/format';
import { wrap } from '../lib/findings/format/table';
import { AlibabaInventory } from '../lib/inventory/alibaba-inventory';
import type { InventoryData, Provider } from '../lib/inventory/model';
import { SecretResolutionError } from '../lib/sinks/secrets';
import { StateConfigError } from '../lib/state/index';
import { StateDataError } from '../lib/state/codec';
import { StateConflictError } from '../lib/state/conflict';
import { StateStoreError } from '../lib/state/dynamodb-store';
import { StateFileError } from '../lib/state/file-store';
import { OssError } from '../lib/state/oss-client';
import { OssStateError } from '../lib/state/oss-store';
import { PreflightError, preflightGroupMigration, preflightMeta, type PreflightResult } from '../lib/preflight/alibaba';
import { buildSnapshot, readSnapshot, SnapshotError } from '../lib/inventory/snapshot';
import { allRuleMeta, findRuleMeta, ruleCatalogue } from '../lib/rules/index';
import { SEVERITIES, type RuleMeta, type Severity } from '../lib/rules/types';
import { TOOL } from '../lib/version';

/** Exit codes (CONTRACTS.md). */
export const EXIT = { ok: 0, findings: 1, usage: 2, incomplete: 3 } as const;

/** An error the user can fix: one line on stderr, exit 2, nothing on stdout. */
export class UsageError extends Error {}

export interface CliIo {
  /** `columns`: the terminal's width, when stdout is one (text output wraps to it, at most 100). */
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

const USAGE = `Usage: apigw-audit <command> [options]

Commands:
  scan --provider aws|alibaba --region R [--region R2 …]   audit the live estate
  scan --snapshot FILE [--snapshot FILE2 …]                audit recorded snapshots offline
  collect --provider aws|alibaba --region R --out FILE      record the inventory as a snapshot
  preflight --group G --target-instance I --region R        Alibaba: check moving API group G onto
            [--snapshot FILE]                               VPC integration instance I, before doing it
  rules [--format table|json]                              list the rule catalogue
  explain RULE-ID                                          one rule: source, what it checks, how to fix it

Options:
  --format FORMAT          table|json|ocsf|asff|html (default: table on a terminal, json otherwise;
                           html: one self-contained page with each integration's topology)
  --output FILE            write results to FILE instead of stdout
  --report FILE            scan: also write the HTML report to FILE (whatever --format is)
  --fail-on SEVERITY       exit 1 when a finding is at or above it: critical|high|medium|low|info|none (default high)
  --config FILE            configuration file (YAML or JSON); also APIGW_AUDIT_CONFIG
  --rule ID                run only this rule (repeatable)
  --skip-rule ID           skip this rule (repeatable)
  --concurrency N          scans of (account, region) targets run at once (default: the config's
                           fanout.concurrency, else ${DEFAULT_CONCURRENCY})
  --quiet                  no progress and no notes (state, notified, pending) on stderr;
                           errors and warnings are still written

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad usage/config/snapshot/state,
3 audit or delivery incomplete (a collector failed, or a sink did not take a notification; findings are
still printed). Resolved and suppressed findings do not count for --fail-on.

With --config, scan applies suppressions, notify, state (new/open/resolved) and delivers to the sinks.
`;

const OPTIONS = {
  provider: { type: 'string' },
  region: { type: 'string', multiple: true },
  snapshot: { type: 'string', multiple: true },
  out: { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string' },
  report: { type: 'string' },
  'fail-on': { type: 'string' },
  config: { type: 'string' },
  rule: { type: 'string', multiple: true },
  'skip-rule': { type: 'string', multiple: true },
  quiet: { type: 'boolean' },
  concurrency: { type: 'string' },
  group: { type: 'string' },
  'target-instance': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>['values'];

function parse(argv: string[]): { command?: string; positionals: string[]; values: Values } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { command: positionals[0], positionals: positionals.slice(1), values };
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (see \`apigw-audit --help\`)`);
  }
}

function outputFormat(values: Values, io: CliIo): OutputFormat {
  const f = values.format;
  if (f === undefined) return !values.output && io.stdout.isTTY ? 'table' : 'json';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(f)) {
    throw new UsageError(`--format: "${f}" is not one of ${OUTPUT_FORMATS.join(', ')}`);
  }
  return f as OutputFormat;
}

function failOn(values: Values): Severity | 'none' {
  const f = values['fail-on'] ?? 'high';
  if (f === 'none' || (SEVERITIES as readonly string[]).includes(f)) return f as Severity | 'none';
  throw new UsageError(`--fail-on: "${f}" is not one of ${[...SEVERITIES, 'none'].join(', ')}`);
}

function useColor(io: CliIo): boolean {
  return Boolean(io.stdout.isTTY) && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
}

/** Writes results atomically: a reader never sees a half-written file. */
async function writeOutput(path: string, text: string, option = '--output'): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new UsageError(`${option} ${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

async function loadConfig(values: Values, io: CliIo): Promise<AuditConfig> {
  const path = values.config ?? io.env.APIGW_AUDIT_CONFIG;
  if (!path) return {};
  return loadConfigFile(path);
}

function ruleSelection(values: Values, config: AuditConfig): RuleSelection {
  const selection: RuleSelection = {
    only: [...(config.rules?.only ?? []), ...(values.rule ?? [])].map((s) => s.toUpperCase()),
    skip: [...(config.rules?.skip ?? []), ...(values['skip-rule'] ?? [])].map((s) => s.toUpperCase()),
    options: config.rules?.options ?? {},
  };
  validateRuleSelection(selection, allRuleMeta().map((m) => m.id));
  return selection;
}

/** Progress lines on stderr: only on a terminal, never with --quiet (logs and pipes stay clean). */
export function progress(values: { quiet?: boolean }, io: Pick<CliIo, 'stderr'>): (message: string) => void {
  if (values.quiet || !io.stderr.isTTY) return () => undefined;
  return (message) => io.stderr.write(`${message}\n`);
}

/** Width for text output: the terminal's, at most 100; 100 when not a terminal. */
function textWidth(io: CliIo): number {
  const columns = io.stdout.isTTY ? io.stdout.columns : undefined;
  return columns && columns > 0 ? Math.min(columns, 100) : 100;
}

const REGION_CHECK: Record<Provider, { valid: (r: string) => boolean; example: string; name: string }> = {
  aws: { valid: isAwsRegionName, example: 'us-east-1', name: 'an AWS region name' },
  alibaba: { valid: isAlibabaRegionName, example: 'cn-hangzhou', name: 'an Alibaba Cloud region id' },
};

/** Regions to read for a provider: --region, else the config's targets of that provider. */
function regionsFor(provider: Provider, values: Values, config: AuditConfig): string[] {
  const fromConfig = (config.targets ?? []).filter((t) => t.provider === provider).flatMap((t) => t.regions);
  const regions = values.region && values.region.length > 0 ? values.region : fromConfig;
  if (regions.length === 0) throw new UsageError(`--region is required with --provider ${provider} (or targets in --config)`);
  const check = REGION_CHECK[provider];
  for (const r of regions) if (!check.valid(r)) throw new UsageError(`--region: "${r}" is not ${check.name} (e.g. ${check.example})`);
  return [...new Set(regions)];
}

function providerOf(values: Values, config: AuditConfig): Provider {
  const provider = values.provider ?? (config.targets?.length === 1 ? config.targets[0]?.provider : undefined);
  if (provider === undefined) throw new UsageError('--provider is required (aws or alibaba) unless --snapshot is given');
  if (provider !== 'aws' && provider !== 'alibaba') throw new UsageError(`--provider: "${provider}" is not one of aws, alibaba`);
  return provider;
}

interface LiveCollection {
  inventories: InventoryData[];
  /** Targets that produced no inventory (role refused, other account's credentials): exit 3. */
  failures: JobFailure[];
}

function concurrencyOf(values: Values, config: AuditConfig): number {
  if (values.concurrency === undefined) return config.fanout?.concurrency ?? DEFAULT_CONCURRENCY;
  const n = Number(values.concurrency);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--concurrency: "${values.concurrency}" is not a whole number from 1 to 64`);
  return n;
}

/**
 * Reads every (account, region) target the configuration and flags ask for: the caller's own
 * account, listed accounts through their roles, or every member of the AWS organisation / Alibaba
 * resource directory (lib/fanout). Targets run `--concurrency` at a time: API quotas are per
 * account and region, and each target's collector paces itself within them.
 */
async function collectLive(values: Values, config: AuditConfig, io: CliIo, provider = providerOf(values, config)): Promise<LiveCollection> {
  const regions = regionsFor(provider, values, config);
  const concurrency = concurrencyOf(values, config);
  const fromFlags = values.region && values.region.length > 0 ? values.region : undefined;
  const listMembers = provider === 'aws' ? () => listOrganizationAccounts() : () => listResourceDirectoryAccounts({ credentials: environmentCredentials() });
  let plan;
  try {
    plan = await planScanJobs({ provider, config, dispatchId: 'cli', ...(fromFlags ? { regions: fromFlags } : {}), defaultRegions: regions, listMembers });
  } catch (error) {
    if (error instanceof OrganizationListError || error instanceof PlanError) throw new UsageError(`cannot list the accounts to audit: ${error.message}`);
    if (error instanceof Error && error.name === 'AlibabaApiError') throw new UsageError(`cannot list the resource directory's members: ${error.message}`);
    throw error;
  }
  const say = (line: string) => io.stderr.write(`apigw-audit: ${oneLine(line)}\n`);
  if (!values.quiet) for (const s of plan.skipped) say(`skipped ${s.provider} account ${s.account}: ${s.reason}`);
  if (plan.jobs.length === 0) throw new UsageError(`no ${provider} account to audit (every member skipped or excluded)`);

  const single = plan.jobs.length === 1;
  const report = progress(values, io);
  const bar = !single && !values.quiet && io.stderr.isTTY ? terminalProgress(io.stderr, plan.jobs.length) : undefined;
  if (single) report(`collecting ${provider} ${plan.jobs[0]!.region}…`);
  else if (!values.quiet && wantsFanout(config, provider)) report(`auditing ${plan.jobs.length} ${provider} targets, ${concurrency} at a time…`);
  let fleet;
  try {
    fleet = await collectFleet(plan.jobs, {
      concurrency,
      ...(single ? { onProgress: report } : {}),
      ...(bar ? { progress: bar } : {}),
    });
  } finally {
    bar?.done();
  }
  for (const r of fleet.resolutions) if (r.how !== 'configured') say(describeResolution(r));
  return { inventories: fleet.inventories, failures: fleet.failures };
}

function exitCodeFor(result: RunAuditResult, threshold: Severity | 'none'): number {
  // A partial audit is no verdict, and an alert that did not arrive is no delivery: 3 wins over findings.
  if (isIncomplete(result.document) || result.undelivered.length > 0) return EXIT.incomplete;
  // Resolved and suppressed findings do not count (atOrAbove).
  if (threshold !== 'none' && atOrAbove(result.document.findings, threshold).length > 0) return EXIT.findings;
  return EXIT.ok;
}

/** What the state and the sinks did, on stderr: never a URL, a secret or a path with credentials. */
function reportDelivery(result: RunAuditResult, values: Values, io: CliIo): void {
  const say = (line: string) => io.stderr.write(`apigw-audit: ${oneLine(line)}\n`);
  for (const e of result.expiredSuppressions) {
    const matched = e.matches.length > 0 ? `; it no longer hides ${e.matches.length} finding(s)` : '';
    say(`suppression for ${e.rule} on ${e.resource} expired on ${e.expires} (reason: ${e.reason})${matched}`);
  }
  for (const u of result.undelivered) {
    say(`delivery failed: ${u.sink}: ${u.event} ${u.ruleId} ${u.resourceId} (${u.severity}, ${u.fingerprint}): ${u.error}${u.willRetry ? ' — kept for the next scan' : ''}`);
  }
  if (values.quiet) return;
  if (result.state) say(`state: ${result.state.description}`);
  const sent = result.deliveries.filter((d) => d.delivered > 0).map((d) => `${d.sink} ${d.delivered}`);
  if (result.deliveries.length > 0) say(`notified: ${sent.length > 0 ? sent.join(', ') : 'nothing to send'}`);
  if (result.pending.length > 0) {
    const perSink = new Map<string, number>();
    for (const p of result.pending) for (const s of p.sinks) perSink.set(s, (perSink.get(s) ?? 0) + 1);
    say(`pending: ${[...perSink].map(([s, n]) => `${n} notification(s) for ${s}`).join(', ')}, re-sent by the next scan`);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** lib/report (and dagre) load only when a report is asked for. */
async function renderHtml(doc: FindingsDocument, inventories: InventoryData[]): Promise<string> {
  const { renderHtmlReport } = await import('../lib/report/index');
  return renderHtmlReport(doc, inventories);
}

async function scan(values: Values, io: CliIo): Promise<number> {
  const format = outputFormat(values, io);
  if (values.report !== undefined && values.report === values.output) throw new UsageError('--report and --output name the same file');
  const threshold = failOn(values);
  const fromSnapshots = Boolean(values.snapshot && values.snapshot.length > 0);
  if (fromSnapshots && (values.provider || values.region)) throw new UsageError('--snapshot cannot be combined with --provider/--region');
  const config = await loadConfig(values, io);
  const selection = ruleSelection(values, config);
  // State and sinks first: a bad store or an unresolvable secret stops the run before any collection.
  const resources = await prepareAudit(config, { env: io.env, strictSecrets: true });
  try {
    const startedAt = new Date().toISOString();
    let inventories: InventoryData[];
    let unaudited: JobFailure[] = [];
    if (fromSnapshots) {
      inventories = [];
      for (const file of values.snapshot ?? []) inventories.push(...(await readSnapshot(file)).inventories);
    } else {
      ({ inventories, failures: unaudited } = await collectLive(values, config, io));
    }
    const warn = (message: string) => io.stderr.write(`apigw-audit: ${oneLine(message)}\n`);
    const result = await runAudit({ inventories, selection, config, startedAt, env: io.env, resources, warn });
    // Targets that could not be read at all: reported (AUDIT-INCOMPLETE), never recorded or resolved.
    const doc = withUnauditedTargets(result.document, unaudited);
    result.document = doc;
    const text =
      format === 'html' ? await renderHtml(doc, inventories) : formatDocument(doc, format, { color: !values.output && useColor(io), warn });
    if (values.output) await writeOutput(values.output, text);
    else io.stdout.write(text);
    if (values.report) {
      await writeOutput(values.report, format === 'html' ? text : await renderHtml(doc, inventories), '--report');
      if (!values.quiet) io.stderr.write(`apigw-audit: report written to ${oneLine(values.report)}\n`);
    }
    const unreadable = new Set(unaudited.map((f) => `${f.job.provider}|${f.job.account ?? 'unknown'}|${f.job.region}|${f.operation}`));
    for (const c of doc.scan.coverage) {
      if (c.status !== 'error' || unreadable.has(`${c.provider}|${c.account}|${c.region}|${c.operation}`)) continue;
      io.stderr.write(`apigw-audit: incomplete: ${c.provider} ${c.account} ${c.region} ${c.operation}: ${c.error ?? 'failed'}\n`);
    }
    for (const f of unaudited) io.stderr.write(`apigw-audit: ${oneLine(describeFailure(f))}\n`);
    reportDelivery(result, values, io);
    return exitCodeFor(result, threshold);
  } finally {
    resources.close();
  }
}

async function collect(values: Values, io: CliIo): Promise<number> {
  if (!values.out) throw new UsageError('collect needs --out FILE');
  const config = await loadConfig(values, io);
  const { inventories, failures } = await collectLive(values, config, io);
  if (inventories.length === 0) {
    for (const f of failures) io.stderr.write(`apigw-audit: ${oneLine(describeFailure(f))}\n`);
    throw new UsageError('nothing could be collected: no snapshot written');
  }
  const snapshot = buildSnapshot(inventories, { name: TOOL.name, version: TOOL.version }, new Date().toISOString());
  await writeOutput(values.out, `${JSON.stringify(snapshot, null, 2)}\n`);
  const failed = inventories.flatMap((i) => i.coverage).filter((c) => c.status === 'error');
  for (const c of failed) io.stderr.write(`apigw-audit: incomplete: ${c.provider} ${c.account} ${c.region} ${c.operation}: ${c.error ?? 'failed'}\n`);
  for (const f of failures) io.stderr.write(`apigw-audit: ${oneLine(describeFailure(f))}\n`);
  return failed.length > 0 || failures.length > 0 ? EXIT.incomplete : EXIT.ok;
}

function preflightTable(result: PreflightResult): string {
  const lines = [`Pre-flight: move API group ${result.groupId} onto VPC integration instance ${result.targetInstanceId}`, ''];
  for (const c of result.checks) {
    lines.push(`  ${c.status.toUpperCase().padEnd(14)} ${c.id}  ${c.resource.id}`);
    lines.push(`                 ${c.message}`);
  }
  lines.push('', result.failed ? 'Result: the migration would fail or break traffic; fix the failed checks first.' : 'Result: no check failed.');
  return `${lines.join('\n')}\n`;
}

async function preflight(values: Values, io: CliIo): Promise<number> {
  if (!values.group) throw new UsageError('preflight needs --group GROUP-ID');
  if (!values['target-instance']) throw new UsageError('preflight needs --target-instance INSTANCE-ID');
  const format = outputFormat(values, io);
  let inventories: InventoryData[];
  if (values.snapshot && values.snapshot.length > 0) {
    inventories = [];
    for (const file of values.snapshot) inventories.push(...(await readSnapshot(file)).inventories);
  } else {
    if (values.provider && values.provider !== 'alibaba') throw new UsageError('preflight is for --provider alibaba');
    const live = await collectLive(values, await loadConfig(values, io), io, 'alibaba');
    for (const f of live.failures) io.stderr.write(`apigw-audit: ${oneLine(describeFailure(f))}\n`);
    inventories = live.inventories;
  }
  const alibaba = inventories.filter((i) => i.provider === 'alibaba');
  if (alibaba.length !== 1) throw new UsageError(`preflight needs exactly one Alibaba Cloud region (got ${alibaba.length})`);
  const result = preflightGroupMigration(new AlibabaInventory(alibaba[0]!), values.group, values['target-instance']);
  const text = format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : preflightTable(result);
  if (values.output) await writeOutput(values.output, text);
  else io.stdout.write(text);
  if (result.failed) return EXIT.findings;
  return result.checks.some((c) => c.status === 'not-evaluated') ? EXIT.incomplete : EXIT.ok;
}

function rules(values: Values, io: CliIo): number {
  const catalogue = ruleCatalogue();
  if (values.format === 'json') {
    io.stdout.write(`${JSON.stringify(catalogue, null, 2)}\n`);
    return EXIT.ok;
  }
  if (values.format !== undefined && values.format !== 'table') throw new UsageError(`--format: "${values.format}" is not one of table, json`);
  const idWidth = Math.max(...catalogue.map((m) => m.id.length));
  const width = textWidth(io);
  const indent = ' '.repeat(idWidth + 12);
  const section = (metas: RuleMeta[]) => {
    for (const m of metas) {
      const lines = wrap(m.title, width, indent);
      const first = (lines.shift() ?? '').slice(indent.length);
      io.stdout.write(`${m.id.padEnd(idWidth)}  ${m.severity.padEnd(8)}  ${first}\n`);
      for (const l of lines) io.stdout.write(`${l}\n`);
    }
  };
  section(catalogue.filter((m) => m.kind === 'rule'));
  const preflight = catalogue.filter((m) => m.kind === 'preflight');
  if (preflight.length > 0) {
    io.stdout.write(`\n${wrap('Pre-flight checks, run by `apigw-audit preflight` (pass / fail / warn / not-evaluated; the severity is that of a failure):', width, '').join('\n')}\n\n`);
    section(preflight);
  }
  return EXIT.ok;
}

/** `explain` output: every paragraph word-wrapped to `width` (default 100); URLs are never broken. */
export function explainText(meta: RuleMeta, width = 100): string {
  const para = (text: string) => wrap(text, width, '  ');
  const lines = [
    ...wrap(`${meta.id}  (${meta.severity}${meta.severityNote ? `; ${meta.severityNote}` : ''})`, width, ''),
    ...wrap(meta.title, width, ''),
    '',
    'What it checks:',
    ...para(meta.description),
    '',
    'Minimal failing example:',
    ...para(meta.failingExample),
    '',
    'How to fix:',
    ...para(meta.remediation),
    '',
    'Sources:',
    // A URL stays whole on its own line, even past the width: cut, it would not open.
    ...meta.source.map((s) => `  ${s}`),
  ];
  if (meta.requires.length > 0) lines.push('', 'Reads:', ...para(meta.requires.join(', ')));
  if (meta.options && Object.keys(meta.options).length > 0) {
    lines.push('', 'Options (config rules.options):');
    for (const [k, v] of Object.entries(meta.options)) lines.push(...para(`${k}: ${v.description} (default ${JSON.stringify(v.default)})`));
  }
  return `${lines.join('\n')}\n`;
}

function explain(positionals: string[], io: CliIo): number {
  const id = positionals[0];
  if (!id) throw new UsageError('explain needs a rule id, e.g. `apigw-audit explain AWS-VPCLINK-INACTIVE`');
  const meta = findRuleMeta(id) ?? preflightMeta.find((m) => m.id === id.toUpperCase());
  if (!meta) throw new UsageError(`explain: unknown rule id "${id}" (see \`apigw-audit rules\`)`);
  io.stdout.write(explainText(meta, textWidth(io)));
  return EXIT.ok;
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const { command, positionals, values } = parse(argv);
    if (values.version) {
      io.stdout.write(`${TOOL.version}\n`);
      return EXIT.ok;
    }
    if (values.help || command === undefined || command === 'help') {
      (command === undefined && !values.help ? io.stderr : io.stdout).write(USAGE);
      return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
    }
    switch (command) {
      case 'scan':
        return await scan(values, io);
      case 'collect':
        return await collect(values, io);
      case 'preflight':
        return await preflight(values, io);
      case 'rules':
        return rules(values, io);
      case 'explain':
        return explain(positionals, io);
      default:
        throw new UsageError(`unknown command "${command}" (see \`apigw-audit --help\`)`);
    }
  } catch (err) {
    if (
      err instanceof UsageError ||
      err instanceof ConfigError ||
      err instanceof SnapshotError ||
      err instanceof UnknownRuleError ||
      err instanceof AwsCredentialsError ||
      err instanceof AlibabaCredentialsError ||
      err instanceof PreflightError ||
      err instanceof SecretResolutionError
    ) {
      io.stderr.write(`apigw-audit: ${oneLine(err.message)}\n`);
      return EXIT.usage;
    }
    if (
      err instanceof StateConfigError ||
      err instanceof StateFileError ||
      err instanceof StateDataError ||
      err instanceof StateStoreError ||
      err instanceof OssStateError ||
      err instanceof OssError ||
      err instanceof StateConflictError
    ) {
      const message = oneLine(err.message);
      io.stderr.write(`apigw-audit: ${/^state\b/i.test(message) ? '' : 'state: '}${message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`apigw-audit: internal error: ${(err as Error).message ?? String(err)}\n`);
    return EXIT.usage;
  }
}

