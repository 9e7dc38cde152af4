/**
 * The chaos suite's reports: the full table (one line per scenario, then the totals the issue asks
 * for, with timings) and the README block (one line per fault class, counts only).
 */
export interface KnownBug {
  id: string;
  /** One line: what goes wrong, for the README. */
  summary: string;
}

export interface Row {
  name: string;
  /** A known bug in lib/ this scenario reproduces (chaos.test.ts KNOWN_BUGS). */
  bug?: KnownBug;
  kind: string;
  provider: 'aws' | 'alibaba';
  exit: number;
  expectedExit: number;
  /** Findings in the baseline. */
  baseline: number;
  /** Baseline findings carried open, not re-evaluated, because an operation failed. */
  carried: number;
  /** Operations (per region) with a coverage error. */
  failedOps: number;
  lost: number;
  falselyResolved: number;
  spurious: number;
  /** The audit was incomplete: an operation failed (coverage error) or a sink missed a notification. */
  incomplete: boolean;
  /** ... and the scan said so: exit 3, an AUDIT-INCOMPLETE finding per failed operation, or "delivery failed". */
  incompleteReported: boolean;
  ms: number;
  issues: string[];
}

function pad(cells: string[], widths: number[]): string {
  return `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
}

export function formatTable(rows: Row[], elapsedMs: number): string {
  const head = ['scenario', 'fault', 'exit', 'want', 'base', 'carried', 'failed ops', 'lost', 'falsely resolved', 'spurious', 'ms', 'ok'];
  const body = rows.map((r) => [
    r.name,
    r.kind,
    String(r.exit),
    String(r.expectedExit),
    String(r.baseline),
    String(r.carried),
    String(r.failedOps),
    String(r.lost),
    String(r.falselyResolved),
    String(r.spurious),
    String(r.ms),
    r.issues.some((i) => !i.startsWith('note:')) ? (r.bug ? `known ${r.bug.id}` : 'FAIL') : r.bug ? `FIXED? ${r.bug.id}` : 'ok',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const lines = [pad(head, widths), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map((b) => pad(b, widths))];
  const sum = (f: (r: Row) => number) => rows.reduce((n, r) => n + f(r), 0);
  const completed = rows.filter((r) => r.exit === 1 || r.exit === 3).length;
  const incomplete = rows.filter((r) => r.exit === 3).length;
  lines.push(
    '',
    `faults tried:               ${rows.length}`,
    `scans completed:            ${completed} (${incomplete} reported incomplete, exit 3; ${completed - incomplete} complete, exit 1)`,
    `findings lost:              ${sum((r) => r.lost)}  (must be 0)`,
    `findings falsely resolved:  ${sum((r) => r.falselyResolved)}  (must be 0)`,
    `spurious findings:          ${sum((r) => r.spurious)}`,
    `wrong exit codes:           ${rows.filter((r) => r.exit !== r.expectedExit).length}`,
    `scenarios failing:          ${rows.filter((r) => r.issues.some((i) => !i.startsWith('note:'))).length} (of which known bugs: ${rows.filter((r) => r.bug && r.issues.some((i) => !i.startsWith('note:'))).length})`,
    `elapsed:                    ${(elapsedMs / 1000).toFixed(1)} s`,
  );
  const notes = rows.flatMap((r) => r.issues.map((i) => `- ${r.name}: ${i}`));
  if (notes.length) lines.push('', 'issues:', ...notes);
  return lines.join('\n');
}

export const failing = (r: Row): boolean => r.issues.some((i) => !i.startsWith('note:'));

const PROVIDER = { aws: 'AWS', alibaba: 'Alibaba Cloud' } as const;

/**
 * The README's fault table (between `<!-- reliability:chaos:start/end -->`): one line per fault
 * class and provider, in the order the suite runs them, then the totals; scenarios pinned as known
 * bugs are listed under the table instead. Counts only (no timings, no dates): the same code gives
 * the same text on any machine, so CI can compare it with the README.
 */
export function formatReadmeBlock(rows: Row[]): string {
  const counted = rows.filter((r) => !r.bug);
  const groups = new Map<string, Row[]>();
  for (const r of counted) {
    const key = `${r.kind} (${PROVIDER[r.provider]})`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const head = ['fault', 'scenarios', 'scans completed', 'exit codes', 'findings expected', 'carried open', 'findings lost', 'falsely resolved', 'incomplete, reported'];
  const line = (label: string, rs: Row[]): string[] => {
    const sum = (f: (r: Row) => number) => String(rs.reduce((n, r) => n + f(r), 0));
    const incomplete = rs.filter((r) => r.incomplete);
    return [
      label,
      String(rs.length),
      String(rs.filter((r) => r.exit >= 0 && r.exit !== 2).length),
      [...new Set(rs.map((r) => r.exit))].sort((a, b) => a - b).join(', '),
      sum((r) => r.baseline),
      sum((r) => r.carried),
      sum((r) => r.lost),
      sum((r) => r.falselyResolved),
      `${incomplete.filter((r) => r.incompleteReported).length} / ${incomplete.length}`,
    ];
  };
  const body = [...groups].map(([label, rs]) => line(label, rs));
  const total = line('**total**', counted).map((c, i) => (i === 0 ? c : `**${c}**`));
  const out = [
    '<!-- generated by `npm run chaos` (test/chaos/table.ts formatReadmeBlock); do not edit by hand -->',
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...[...body, total].map((cells) => `| ${cells.join(' | ')} |`),
  ];
  const pinned = rows.filter((r) => r.bug);
  if (!pinned.length) {
    out.push('', `${rows.length} scenarios run, all in the table; none pinned as a known bug.`);
    return out.join('\n');
  }
  out.push('', `${rows.length} scenarios run: ${counted.length} in the table, ${pinned.length} pinned as ${pinned.length === 1 ? 'a known bug' : 'known bugs'} (not counted above; the test is marked failing and starts passing when the bug is fixed):`, '');
  for (const r of pinned) {
    out.push(
      `- **${r.bug!.id}** (\`${r.name}\`): ${r.bug!.summary} Measured: exit ${r.exit}, ${r.lost} of ${r.baseline} findings lost, ${r.falselyResolved} falsely resolved.`,
    );
  }
  return out.join('\n');
}
