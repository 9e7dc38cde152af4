/**
 * The README's rule catalogue, generated from the rules' own metadata (lib/rules, and the
 * pre-flight checks of lib/preflight/alibaba.ts) so that it cannot drift from `apigw-audit rules`.
 *
 * Regenerate:  node scripts/rule-catalogue.mjs          (rewrites README.md between the markers)
 * Check:       node scripts/rule-catalogue.mjs --check  (exit 1 when README.md is stale)
 * test/cli/readme-rules.test.ts fails when the README table is stale.
 */
import { ruleCatalogue } from '../lib/rules/index';
import type { RuleMeta } from '../lib/rules/types';

export const START_MARKER = '<!-- rules:start -->';
export const END_MARKER = '<!-- rules:end -->';
export const REGENERATE_COMMAND = 'node scripts/rule-catalogue.mjs';

type Meta = Pick<RuleMeta, 'id' | 'severity' | 'severityNote' | 'title' | 'source'>;

function cell(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/\|/g, '\\|');
}

function severityCell(m: Meta): string {
  return m.severityNote ? `${m.severity} (${cell(m.severityNote)})` : m.severity;
}

function sourcesCell(m: Meta): string {
  return m.source.map((url, i) => `[${i + 1}](${url})`).join(' ');
}

function table(metas: readonly Meta[]): string[] {
  return [
    '| ID | severity | what it reports | sources |',
    '|---|---|---|---|',
    ...metas.map((m) => `| ${m.id} | ${severityCell(m)} | ${cell(m.title)} | ${sourcesCell(m)} |`),
  ];
}

/** The Markdown between the markers (without them). */
export function renderRuleCatalogue(
  rules: readonly Meta[] = ruleCatalogue().filter((m) => m.kind === 'rule'),
  preflight: readonly Meta[] = ruleCatalogue().filter((m) => m.kind === 'preflight'),
): string {
  return [
    `<!-- generated from the rule metadata by \`${REGENERATE_COMMAND}\`; do not edit by hand -->`,
    '',
    ...table(rules),
    '',
    'Pre-flight checks: run by `apigw-audit preflight`, not by `scan`; each is reported as pass / fail / warn / not-evaluated, and the ' +
      'severity is that of a failure. `apigw-audit rules` lists them in their own section, `rules --format json` with `"kind": "preflight"` ' +
      '(`"kind": "rule"` for the rules above).',
    '',
    ...table(preflight),
  ].join('\n');
}

/** `readme` with the catalogue between the markers replaced by `catalogue`. */
export function withCatalogue(readme: string, catalogue: string = renderRuleCatalogue()): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START_MARKER} … ${END_MARKER} section`);
  return `${readme.slice(0, start + START_MARKER.length)}\n${catalogue}\n${readme.slice(end)}`;
}
