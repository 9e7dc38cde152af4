import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainText, main, progress } from '../../bin/cli';
import { preflightMeta } from '../../lib/preflight/alibaba';
import { allRuleMeta, findRuleMeta } from '../../lib/rules/index';
import type { RuleMeta } from '../../lib/rules/types';
import { captureIo } from '../helpers/cli-io';

const AWS_EXAMPLE = join(__dirname, '../../examples/aws-snapshot.json');
const ALI_EXAMPLE = join(__dirname, '../../examples/alibaba-snapshot.json');
const dir = mkdtempSync(join(tmpdir(), 'apigw-cli-table-'));

function ttyIo(env: NodeJS.ProcessEnv = {}, columns?: number) {
  const io = captureIo(env, true);
  return { ...io, stdout: { ...io.stdout, columns } };
}

describe('scan --format table', () => {
  it('groups by severity, fits 100 columns, ends with a summary and lists what was not evaluated', async () => {
    const io = captureIo({});
    await main(['scan', '--snapshot', AWS_EXAMPLE, '--snapshot', ALI_EXAMPLE, '--format', 'table', '--fail-on', 'none'], io);
    const out = io.out();
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(out.indexOf('CRITICAL (')).toBeLessThan(out.indexOf('HIGH ('));
    expect(out).toMatch(/^Summary: \d+ critical, \d+ high, \d+ medium, \d+ low, \d+ info\b.*\.$/m);
    expect(out).toContain('Not evaluated: 1 path');
    expect(out).not.toContain('\x1b[');
  });

  it('colours on a terminal unless NO_COLOR or TERM=dumb', async () => {
    const args = ['scan', '--snapshot', AWS_EXAMPLE, '--fail-on', 'none'];
    const coloured = ttyIo();
    await main(args, coloured);
    expect(coloured.out()).toContain('\x1b[');
    for (const env of [{ NO_COLOR: '' }, { TERM: 'dumb' }]) {
      const plain = ttyIo(env);
      await main(args, plain);
      expect(plain.out()).toContain('CRITICAL (');
      expect(plain.out()).not.toContain('\x1b[');
    }
  });

  it('shows status and suppression from a config, and --quiet keeps the notes off stderr', async () => {
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        `state: { type: file, path: ${join(dir, 'state.json')} }`,
        'suppressions:',
        '  - { rule: AWS-VPCLINK-UNUSED, resource: vl2old1, reason: standby link for DR, expires: "2099-01-01" }',
        '',
      ].join('\n'),
    );
    const args = ['scan', '--snapshot', AWS_EXAMPLE, '--format', 'table', '--fail-on', 'none', '--config', config];
    const loud = captureIo({});
    expect(await main(args, loud)).toBe(0);
    expect(loud.out()).toContain('status: new');
    expect(loud.out()).toContain('[suppressed]');
    expect(loud.out()).toMatch(/suppressed \(until 2099-01-01\): standby link for DR/);
    expect(loud.out()).toMatch(/^Summary: .* — .*new.*1 suppressed\.$/m);
    expect(loud.err()).toMatch(/apigw-audit: state: /);
    const quiet = captureIo({});
    expect(await main([...args, '--quiet'], quiet)).toBe(0);
    expect(quiet.out()).toContain('status: open');
    expect(quiet.err()).toBe('');
  });
});

describe('progress', () => {
  it('is written on a terminal only, and never with --quiet', () => {
    const tty = captureIo({}, true);
    progress({}, tty)('collecting aws us-east-1…');
    expect(tty.err()).toBe('collecting aws us-east-1…\n');
    const pipe = captureIo({}, false);
    progress({}, pipe)('collecting aws us-east-1…');
    expect(pipe.err()).toBe('');
    const quiet = captureIo({}, true);
    progress({ quiet: true }, quiet)('collecting aws us-east-1…');
    expect(quiet.err()).toBe('');
  });
});

describe('rules', () => {
  it('--format json carries every RuleMeta field, options and failing example included', async () => {
    const io = captureIo();
    expect(await main(['rules', '--format', 'json'], io)).toBe(0);
    const metas = JSON.parse(io.out()) as Array<RuleMeta & { kind: string }>;
    // Rules first (`kind: rule`, every RuleMeta field unchanged), then the pre-flight checks.
    expect(metas.filter((m) => m.kind === 'rule').map(({ kind: _, ...m }) => m)).toEqual(JSON.parse(JSON.stringify(allRuleMeta())));
    expect(metas.filter((m) => m.kind === 'preflight').map(({ kind: _, ...m }) => m)).toEqual(JSON.parse(JSON.stringify(preflightMeta)));
    expect(metas.map((m) => m.kind)).toEqual([...allRuleMeta().map(() => 'rule'), ...preflightMeta.map(() => 'preflight')]);
    const fields: Array<keyof RuleMeta> = ['id', 'provider', 'severity', 'title', 'description', 'source', 'remediation', 'requires', 'failingExample'];
    for (const m of metas) for (const k of fields) expect(m[k]).toBeDefined();
    expect(metas.find((m) => m.id === 'AWS-VPCLINK-STUCK')?.options?.minutes?.default).toBe(30);
    expect(metas.find((m) => m.id === 'AWS-VPCLINK-INACTIVE')?.severityNote).toBeTruthy();
  });

  it('as text, fits the terminal width', async () => {
    const io = ttyIo({}, 80);
    expect(await main(['rules'], io)).toBe(0);
    for (const line of io.out().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(io.out()).toMatch(/^AWS-VPCLINK-STUCK\s+medium\s+VPC link V2 stuck/m);
    // Pre-flight checks in their own section, after every rule.
    const out = io.out();
    const heading = out.indexOf('Pre-flight checks, run by `apigw-audit preflight`');
    expect(heading).toBeGreaterThan(out.indexOf('AUDIT-INCOMPLETE'));
    for (const m of preflightMeta) expect(out.indexOf(`\n${m.id} `)).toBeGreaterThan(heading);
  });
});

describe('explain', () => {
  it('shows what is checked, a minimal failing example, the fix, the sources and the options', async () => {
    const io = captureIo();
    expect(await main(['explain', 'aws-vpclink-stuck'], io)).toBe(0);
    const out = io.out();
    const order = ['What it checks:', 'Minimal failing example:', 'How to fix:', 'Sources:', 'Options (config rules.options):'].map((h) => out.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(out).toContain('  minutes: ');
    for (const url of findRuleMeta('AWS-VPCLINK-STUCK')!.source) expect(out).toContain(`  ${url}\n`);
  });

  it('wraps to the terminal width (at most 100), never cutting a source URL', async () => {
    for (const meta of [...allRuleMeta(), ...preflightMeta]) {
      const text = explainText(meta, 72);
      for (const line of text.split('\n')) if (!/^ {2}https?:\/\//.test(line)) expect(line.length).toBeLessThanOrEqual(72);
      expect(text.replace(/\s+/g, ' ')).toContain(meta.failingExample.replace(/\s+/g, ' '));
    }
    const narrow = ttyIo({}, 60);
    await main(['explain', 'ALI-PREFLIGHT-CIDR'], narrow);
    for (const line of narrow.out().split('\n')) if (!/^ {2}https?:\/\//.test(line)) expect(line.length).toBeLessThanOrEqual(60);
    const wide = ttyIo({}, 200);
    await main(['explain', 'ALI-PREFLIGHT-CIDR'], wide);
    for (const line of wide.out().split('\n')) if (!/^ {2}https?:\/\//.test(line)) expect(line.length).toBeLessThanOrEqual(100);
  });
});
