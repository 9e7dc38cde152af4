/**
 * Chaos harness: runs `apigw-audit scan --config` (bin/cli.ts `main`) against the loopback fakes
 * with a file state store and loopback sinks, once clean (the baseline) and once with faults, and
 * compares the two documents.
 *
 * Per scenario:
 *  1. the baseline's state file (recorded once per estate) is copied into a fresh directory;
 *  2. the faulted scan runs against the same, unchanged estate;
 *  3. lost            = a baseline finding absent from the faulted document (with a state store a
 *                       finding that could not be re-evaluated is carried as `open`, so any absence is a loss);
 *     falsely resolved = a finding with status `resolved`, or a `resolved` notification sent
 *                       (the estate did not change: nothing may resolve);
 *     spurious        = a `new` finding other than AUDIT-INCOMPLETE (a fault read as drift);
 *     unexplained     = a baseline finding carried (notReevaluated) although no operation its rule
 *                       requires failed (reported, not asserted: the carry is still safe);
 *     exit            = 3 when coverage has an error or a sink missed a notification, else 1.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../bin/cli';
import type { Finding, FindingsDocument } from '../../lib/findings/types';
import { allRuleMeta } from '../../lib/rules/index';
import type { NotifiedFindingsDocument } from '../../lib/sinks/webhook';
import { startChatReceiver, type ChatReceiver } from '../fakes/sinks/chat';
import { startFakeSqs, type FakeSqs } from '../fakes/sinks/sqs';
import { captureIo, type CapturedIo } from '../helpers/cli-io';

export const SECRETS = {
  webhookToken: 'chaosHookToken0001',
  webhookSecret: 'whsec_chaos_0123456789abcdef',
  slackToken: 'chaosSlackToken0001',
};

/**
 * Deterministic pseudo-random share: a request fails when sha256(seed, key, n) < pct, where `key`
 * names the request (its operation parameters, its path) and n counts the earlier requests with
 * that key (the retries of one call). The decision for a request therefore does not depend on how
 * concurrent calls interleave: a scenario fails the same calls, after the same number of attempts,
 * on every run and under any load. Without a key, n counts every request (only for callers that
 * make a single sequence of requests).
 */
export function share(pct: number, seed: number): (key?: string) => boolean {
  const seen = new Map<string, number>();
  return (key = '') => {
    if (pct >= 100) return true;
    if (pct <= 0) return false;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const r = createHash('sha256').update(`${seed}\0${key}\0${n}`).digest().readUInt32BE(0) / 4294967296;
    return r * 100 < pct;
  };
}

/** A stable key for a request's parameters: JSON with the object keys sorted. */
export function paramsKey(params: unknown): string {
  return JSON.stringify(params, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export interface Sinks {
  webhook: ChatReceiver;
  slack: ChatReceiver;
  sqs: FakeSqs;
  close(): Promise<void>;
}

export async function startSinks(): Promise<Sinks> {
  const webhook = await startChatReceiver({ kind: 'webhook', token: SECRETS.webhookToken, secret: SECRETS.webhookSecret });
  const slack = await startChatReceiver({ kind: 'slack', token: SECRETS.slackToken });
  const sqs = await startFakeSqs();
  return {
    webhook,
    slack,
    sqs,
    close: async () => {
      await webhook.close();
      await slack.close();
      await sqs.close();
    },
  };
}

export type SinkName = 'webhook' | 'slack' | 'sqs';

/** A config with a file state store in `dir` and the given sinks (URLs from the environment). */
export function writeConfig(dir: string, sinks: Sinks, which: SinkName[]): string {
  const file = join(dir, 'config.yaml');
  const lines = ['state:', '  type: file', `  path: ${join(dir, 'state.json')}`, 'sinks:'];
  if (which.includes('webhook')) lines.push('  - { type: webhook, url: { env: WEBHOOK_URL }, secret: { env: WEBHOOK_SECRET } }');
  if (which.includes('slack')) lines.push('  - { type: slack, url: { env: SLACK_WEBHOOK_URL } }');
  if (which.includes('sqs')) lines.push(`  - { type: sqs, queueUrl: "${sinks.sqs.queueUrl('apigw-chaos')}" }`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export function freshDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `apigw-chaos-${prefix}-`));
}

/** A fresh directory holding a copy of `fromDir`'s state file. */
export function cloneState(fromDir: string, prefix: string): string {
  const dir = freshDir(prefix);
  copyFileSync(join(fromDir, 'state.json'), join(dir, 'state.json'));
  return dir;
}

export interface Run {
  code: number;
  io: CapturedIo;
  doc: FindingsDocument;
  ms: number;
}

export async function scan(args: string[], env: Record<string, string>): Promise<Run> {
  const io = captureIo(env);
  const t0 = Date.now();
  let code: number;
  try {
    code = await main(['scan', '--format', 'json', '--quiet', ...args], io);
  } catch (error) {
    // main() should never throw: a crash is reported as exit -1.
    io.stderr.write(`CRASH: ${(error as Error).stack ?? String(error)}\n`);
    code = -1;
  }
  const ms = Date.now() - t0;
  let doc: FindingsDocument;
  try {
    doc = JSON.parse(io.out()) as FindingsDocument;
  } catch {
    doc = undefined as unknown as FindingsDocument;
  }
  return { code, io, doc, ms };
}

/** Everything a webhook accepted from request index `from` on, as findings with their event status. */
export function webhookEvents(webhook: ChatReceiver, from = 0): Array<Finding & { status: string }> {
  return webhook.requests
    .slice(from)
    .filter((r) => r.reply.status < 300)
    .flatMap((r) => (r.payload as NotifiedFindingsDocument).findings as Array<Finding & { status: string }>);
}

const REQUIRES = new Map(allRuleMeta().map((m) => [m.id, m.requires]));

export interface Comparison {
  baseline: number;
  lost: string[];
  falselyResolved: string[];
  spurious: string[];
  carried: number;
  unexplainedCarry: string[];
  failedOps: string[];
  incomplete: boolean;
  expectedExit: number;
}

const label = (f: Pick<Finding, 'ruleId' | 'resource'>) => `${f.ruleId} ${f.resource.id}`;

export function compare(baseline: FindingsDocument, faulted: FindingsDocument | undefined, sentDuringFault: Array<Finding & { status: string }>, undelivered: boolean): Comparison {
  const base = baseline.findings.filter((f) => f.ruleId !== 'AUDIT-INCOMPLETE');
  const failed = (faulted?.scan.coverage ?? []).filter((c) => c.status === 'error');
  const failedOps = [...new Set(failed.map((c) => `${c.region} ${c.operation}`))].sort();
  const failedOpNames = new Set(failed.map((c) => c.operation));
  const out: Comparison = {
    baseline: base.length,
    lost: [],
    falselyResolved: [],
    spurious: [],
    carried: 0,
    unexplainedCarry: [],
    failedOps,
    incomplete: failed.length > 0,
    expectedExit: 0,
  };
  if (!faulted) {
    out.lost = base.map(label);
    out.expectedExit = 3;
    return out;
  }
  const byFp = new Map(faulted.findings.map((f) => [f.fingerprint, f]));
  for (const b of base) {
    const f = byFp.get(b.fingerprint);
    if (!f) {
      out.lost.push(label(b));
      continue;
    }
    if (f.evidence.notReevaluated !== undefined) {
      out.carried++;
      const requires = REQUIRES.get(b.ruleId) ?? [];
      if (!requires.some((op) => failedOpNames.has(op))) out.unexplainedCarry.push(`${label(b)} (${String(f.evidence.notReevaluated)})`);
    }
  }
  for (const f of faulted.findings) {
    if (f.status === 'resolved') out.falselyResolved.push(label(f));
    else if (f.status === 'new' && f.ruleId !== 'AUDIT-INCOMPLETE') out.spurious.push(label(f));
  }
  for (const s of sentDuringFault) if (s.status === 'resolved') out.falselyResolved.push(`sent resolved: ${label(s)}`);
  out.falselyResolved = [...new Set(out.falselyResolved)];
  const open = faulted.findings.filter((f) => f.status !== 'resolved' && !f.evidence.suppressed);
  const high = open.some((f) => f.severity === 'critical' || f.severity === 'high');
  out.expectedExit = out.incomplete || undelivered ? 3 : high ? 1 : 0;
  return out;
}
