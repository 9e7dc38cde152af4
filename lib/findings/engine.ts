import { AlibabaInventory } from '../inventory/alibaba-inventory';
import { AwsInventory } from '../inventory/aws-inventory';
import type { CoverageEntry, InventoryData } from '../inventory/model';
import { auditIncompleteDrafts, auditIncompleteMeta } from '../rules/audit-incomplete';
import { alibabaRules, awsRules } from '../rules/index';
import { SEVERITIES, severityRank, type FindingDraft, type RuleContext, type RuleMeta, type RuleResult, type Severity } from '../rules/types';
import { fingerprint } from './fingerprint';
import type { Finding, NotEvaluatedEntry } from './types';

export interface RuleSelection {
  /** Run only these rule ids (AUDIT-INCOMPLETE always runs). */
  only?: string[];
  skip?: string[];
  /** Per-rule options, merged over each rule's defaults. */
  options?: Record<string, Record<string, unknown>>;
}

export interface EvaluationResult {
  findings: Finding[];
  notEvaluated: NotEvaluatedEntry[];
}

export class UnknownRuleError extends Error {}

/** Rejects rule ids that name no rule, so a typo in --rule/--skip-rule/config never silently disables nothing. */
export function validateRuleSelection(selection: RuleSelection, knownIds: string[]): void {
  const known = new Set(knownIds);
  for (const [where, ids] of [
    ['--rule', selection.only ?? []],
    ['--skip-rule', selection.skip ?? []],
    ['rules.options', Object.keys(selection.options ?? {})],
  ] as const) {
    for (const id of ids) if (!known.has(id)) throw new UnknownRuleError(`${where}: unknown rule id "${id}" (see \`apigw-audit rules\`)`);
  }
}

function selected(meta: RuleMeta, selection: RuleSelection): boolean {
  if (selection.skip?.includes(meta.id)) return false;
  if (selection.only && selection.only.length > 0) return selection.only.includes(meta.id);
  return true;
}

/**
 * AUDIT-INCOMPLETE findings for targets that produced no inventory at all (a fan-out job whose
 * role could not be assumed): one per coverage entry, built as the engine builds every other.
 */
export function unauditedTargetFindings(entries: readonly CoverageEntry[]): Finding[] {
  return entries
    .filter((e) => e.status === 'error')
    .flatMap((e) => auditIncompleteDrafts([e]).map((draft) => toFinding(auditIncompleteMeta, { provider: e.provider, account: e.account, region: e.region }, draft)));
}

function toFinding(meta: RuleMeta, inv: Pick<InventoryData, 'provider' | 'account' | 'region'>, draft: FindingDraft): Finding {
  return {
    ruleId: meta.id,
    severity: draft.severity ?? meta.severity,
    provider: inv.provider,
    account: inv.account,
    region: inv.region,
    resource: draft.resource,
    related: draft.related,
    title: meta.title,
    message: draft.message,
    remediation: meta.remediation,
    source: meta.source,
    fingerprint: fingerprint(meta.id, inv.provider, inv.account, inv.region, draft),
    evidence: draft.evidence,
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.account.localeCompare(b.account) ||
    a.region.localeCompare(b.region) ||
    a.resource.id.localeCompare(b.resource.id) ||
    a.fingerprint.localeCompare(b.fingerprint)
  );
}

/** A rule of any provider, bound to its provider's indexed inventory. */
interface BoundRule {
  meta: RuleMeta;
  run(context: RuleContext): RuleResult;
}

function boundRules(data: InventoryData): BoundRule[] {
  if (data.provider === 'aws') {
    const inventory = new AwsInventory(data);
    return awsRules.map((r) => ({ meta: r.meta, run: (c: RuleContext) => r.check(inventory, c) }));
  }
  const inventory = new AlibabaInventory(data);
  return alibabaRules.map((r) => ({ meta: r.meta, run: (c: RuleContext) => r.check(inventory, c) }));
}

export interface EvaluationOptions {
  /** The previous scan's inventory per target (`provider/account/region`), when a state store keeps one. */
  previous?: Map<string, InventoryData>;
}

export function targetKey(data: { provider: string; account: string; region: string }): string {
  return `${data.provider}/${data.account}/${data.region}`;
}

/**
 * Runs every selected rule over every inventory. The evaluation clock is each inventory's
 * collection time, so auditing a recorded snapshot gives exactly the live scan's findings.
 */
export function evaluate(inventories: InventoryData[], selection: RuleSelection = {}, options: EvaluationOptions = {}): EvaluationResult {
  const findings: Finding[] = [];
  const notEvaluated: NotEvaluatedEntry[] = [];
  for (const data of inventories) {
    const now = new Date(data.collectedAt);
    const previous = options.previous?.get(targetKey(data));
    for (const rule of boundRules(data)) {
      if (!selected(rule.meta, selection)) continue;
      const defaults = Object.fromEntries(Object.entries(rule.meta.options ?? {}).map(([k, v]) => [k, v.default]));
      const context: RuleContext = { now, options: { ...defaults, ...(selection.options?.[rule.meta.id] ?? {}) } };
      if (previous) context.previous = previous;
      const result = rule.run(context);
      for (const draft of result.findings) findings.push(toFinding(rule.meta, data, draft));
      for (const n of result.notEvaluated) {
        notEvaluated.push({ ruleId: rule.meta.id, provider: data.provider, account: data.account, region: data.region, ...n });
      }
    }
    for (const draft of auditIncompleteDrafts(data.coverage)) findings.push(toFinding(auditIncompleteMeta, data, draft));
  }
  findings.sort(compareFindings);
  return { findings: dedupeByFingerprint(findings), notEvaluated };
}

/** Two drafts of one rule on the same resources are one problem; keep the first (most severe). */
function dedupeByFingerprint(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => (seen.has(f.fingerprint) ? false : (seen.add(f.fingerprint), true)));
}

/**
 * Whether a finding counts for --fail-on: not `resolved` (a state store saw it go away) and
 * not suppressed (a configured suppression matched: kept in the document as `evidence.suppressed`).
 */
export function isActiveFinding(finding: Finding): boolean {
  return finding.status !== 'resolved' && finding.evidence.suppressed === undefined;
}

/** Counts per severity (callers leave resolved findings out; suppressed ones are counted: they are still there). */
export function summarize(findings: Finding[]): Record<Severity, number> {
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) summary[f.severity] += 1;
  return summary;
}

/** The findings that count (isActiveFinding) at or above the threshold. */
export function atOrAbove(findings: Finding[], threshold: Severity): Finding[] {
  return findings.filter((f) => isActiveFinding(f) && severityRank(f.severity) >= severityRank(threshold));
}
