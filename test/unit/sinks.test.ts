/** Sink building blocks: retries, redaction, signatures, queue messages, digests, secrets, the factory and deliverAll. */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { configSchema } from '../../lib/config/schema';
import type { Finding } from '../../lib/findings/types';
import { SEVERITIES } from '../../lib/rules/types';
import { buildDigest } from '../../lib/sinks/digest';
import { DingTalkSink, dingTalkSignature, renderDingTalkMarkdown } from '../../lib/sinks/dingtalk';
import { feishuSignature, renderFeishuCard } from '../../lib/sinks/feishu';
import { backoffDelayMs, parseRetryAfter, retryPolicy, TransportError, withRetries, type AttemptOutcome } from '../../lib/sinks/http';
import { createSecretResolver, createSinks, deliverAll, SlackSink, SqsSink, ssmParameterReader, WebhookSink } from '../../lib/sinks/index';
import { mnsSignature, mnsStringToSign, xmlElements, xmlText } from '../../lib/sinks/mns';
import { base64Size, deduplicationId, packBatches, queueMessageBody, utf8Size, type QueueMessageBody } from '../../lib/sinks/queue-message';
import { Redactor, redactUrls } from '../../lib/sinks/redact';
import { renderSlackMessage } from '../../lib/sinks/slack';
import { renderTeamsMessage } from '../../lib/sinks/teams';
import { webhookSignature } from '../../lib/sinks/webhook';
import type { DeliveryReport, Notification, Sink } from '../../lib/state/types';
import { finding, notification, notifications, SCAN, testClock } from '../fakes/sinks/fixtures';

describe('retry timing', () => {
  test('Retry-After as seconds or an HTTP date; anything else is ignored', () => {
    const now = Date.parse('2026-08-01T10:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1_500);
    expect(parseRetryAfter('Sat, 01 Aug 2026 10:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfter('Sat, 01 Aug 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  test('backoff: exponential, capped, half of it jittered', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (retry, r) => {
        const ceiling = Math.min(20_000, 500 * 2 ** (retry - 1));
        const delay = backoffDelayMs(retry, { baseDelayMs: 500, maxDelayMs: 20_000 }, () => r);
        return delay >= Math.floor(ceiling / 2) && delay <= ceiling;
      }),
    );
  });

  test('withRetries: honours a server wait, stops on a final answer, retries transport errors, and is bounded', async () => {
    const clock = testClock();
    const answers: AttemptOutcome[] = [{ ok: false, retryable: true, error: 'HTTP 429', retryAfterMs: 2000 }, { ok: true }];
    expect(await withRetries(retryPolicy(), clock as never, async () => answers.shift()!)).toEqual({ ok: true, attempts: 2 });
    expect(clock.sleeps).toEqual([2000]);

    const final = await withRetries(retryPolicy(), testClock() as never, async () => ({ ok: false, retryable: false, error: 'HTTP 400' }));
    expect(final).toEqual({ ok: false, attempts: 1, error: 'HTTP 400' });

    let calls = 0;
    const transport = await withRetries(retryPolicy({ maxAttempts: 3 }), testClock() as never, async () => {
      calls++;
      throw new TransportError('ECONNRESET', 'connection reset');
    });
    expect(calls).toBe(3);
    expect(transport).toEqual({ ok: false, attempts: 3, error: 'ECONNRESET: connection reset (after 3 attempts)' });
  });
});

describe('redaction', () => {
  test('a webhook URL, its path, its tokens and their encodings are masked', () => {
    const url = 'https://hooks.slack.com/services/T0123/B0456/abcdefghijklmnopqrstuvwx';
    const redactor = new Redactor().add(url, 'SECsigning+secret/0123==');
    const text = `failed posting to ${url}; path /services/T0123/B0456/abcdefghijklmnopqrstuvwx; token abcdefghijklmnopqrstuvwx; secret SECsigning+secret/0123== or ${encodeURIComponent('SECsigning+secret/0123==')}`;
    const redacted = redactor.redact(text);
    expect(redacted).not.toContain('abcdefghijklmnopqrstuvwx');
    expect(redacted).not.toContain('SECsigning');
    expect(redacted).toContain('[REDACTED]');
  });

  test('any URL in foreign text keeps only its origin', () => {
    expect(redactUrls('POST https://oapi.dingtalk.com/robot/send?access_token=abc failed')).toBe('POST https://oapi.dingtalk.com/[REDACTED] failed');
    expect(redactUrls('see https://example.com for details')).toBe('see https://example.com for details');
  });
});

describe('signatures (known answers computed independently with Python hmac)', () => {
  test('DingTalk: base64(HMAC-SHA256(secret, ts\\nsecret)), URL-encoded in the query', async () => {
    expect(dingTalkSignature('SECexample-secret-0123456789', '1722506400000')).toBe('X+HOCzqy+9qC2LKb6/9VUqma6S4Pj4FFNKhYeSYIKr0=');
    const urls: string[] = [];
    const sink = new DingTalkSink({
      url: 'https://oapi.dingtalk.com/robot/send?access_token=kat-unit-token-0001',
      secret: 'SECexample-secret-0123456789',
      runtime: {
        now: () => 1722506400000,
        fetch: (async (input: string) => {
          urls.push(String(input));
          return new Response(JSON.stringify({ errcode: 0, errmsg: 'ok' }), { status: 200 });
        }) as typeof fetch,
      },
    });
    expect((await sink.deliver(notifications(1), SCAN)).delivered).toBe(1);
    expect(urls[0]).toBe('https://oapi.dingtalk.com/robot/send?access_token=kat-unit-token-0001&timestamp=1722506400000&sign=X%2BHOCzqy%2B9qC2LKb6%2F9VUqma6S4Pj4FFNKhYeSYIKr0%3D');
  });

  test('Feishu: base64(HMAC-SHA256(key = ts\\nsecret, message = ""))', () => {
    expect(feishuSignature('feishu-example-secret', '1722506400')).toBe('N6gzNHhorKbXxx18lV81eooBaLwi9SGlR8NKIaAbM5Y=');
  });

  test('generic webhook: sha256=<hex HMAC-SHA256(secret, ts + "." + body)>', () => {
    expect(webhookSignature('whsec_example', '1722506400', '{"schemaVersion":"1"}')).toBe('sha256=61a570fd833d529c3a9f734f5dcf6424566a89bfee31f49f8558c91721a7bfd9');
  });

  test('MNS: base64(HMAC-SHA1(secret, VERB\\nMD5\\nType\\nDate\\n<x-mns-* "k:v\\n">resource))', () => {
    const input = { method: 'POST', contentType: 'text/xml;charset=utf-8', date: 'Thu, 01 Aug 2024 10:00:00 GMT', headers: { 'X-MNS-Version': '2015-06-06', Host: 'x' }, resource: '/queues/apigw-findings/messages' };
    expect(mnsStringToSign(input)).toBe('POST\n\ntext/xml;charset=utf-8\nThu, 01 Aug 2024 10:00:00 GMT\nx-mns-version:2015-06-06\n/queues/apigw-findings/messages');
    expect(mnsSignature('mns-example-secret', input)).toBe('y3MgIZTXxFIrpML2ND3qXrEj/JQ=');
  });

  test('MNS XML answers: elements and entity-decoded text', () => {
    const xml = '<?xml version="1.0"?><Messages xmlns="http://mns.aliyuncs.com/doc/v1/"><Message><ErrorCode>InternalError</ErrorCode><ErrorMessage>a &amp; b &lt;c&gt;</ErrorMessage></Message><Message><MessageId>1</MessageId></Message></Messages>';
    const entries = xmlElements(xml, 'Message');
    expect(entries).toHaveLength(2);
    expect(xmlText(entries[0]!, 'ErrorMessage')).toBe('a & b <c>');
    expect(xmlText(entries[1]!, 'MessageId')).toBe('1');
  });
});

describe('queue messages', () => {
  test('dedup id = sha256(fingerprint + event + scanId), hex', () => {
    const n = notification('new', { fingerprint: 'fp0001' });
    expect(deduplicationId(n, 'scan-1')).toBe('b9237139e1770248f137b0e06227dcddf8ddfdb5fbe5be760223f1e01ae1650d');
  });

  test('a message that fits is the contract body, untouched', () => {
    const n = notification('open', {}, 'reminder');
    const { body, truncated } = queueMessageBody(n, SCAN.id, 1_048_576);
    expect(truncated).toBe(false);
    expect(JSON.parse(body)).toEqual({ event: 'open', scanId: SCAN.id, dedupId: deduplicationId(n, SCAN.id), reason: 'reminder', finding: n.finding });
  });

  test('property: any finding fits any limit ≥ 4 KiB, identity intact, shrinking marked', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 300 }).chain((s) => fc.integer({ min: 0, max: 400 }).map((n) => s.repeat(n)));
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), text, { maxKeys: 8 }),
        text,
        fc.array(text, { maxLength: 30 }),
        fc.integer({ min: 4096, max: 120_000 }),
        fc.boolean(),
        (evidence, message, sources, limit, base64) => {
          const n = notification('new', { evidence, message, remediation: message, source: sources });
          const size = base64 ? base64Size : utf8Size;
          const { body, truncated } = queueMessageBody(n, SCAN.id, limit, size);
          const parsed = JSON.parse(body) as QueueMessageBody;
          expect(size(body)).toBeLessThanOrEqual(limit);
          expect(parsed.finding.fingerprint).toBe(n.finding.fingerprint);
          expect(parsed.finding.resource.id).toBe(n.finding.resource.id);
          expect(parsed.dedupId).toBe(deduplicationId(n, SCAN.id));
          if (truncated) {
            expect(parsed.truncated).toBe(true);
            expect(parsed.finding.evidence).toHaveProperty('_truncated');
            for (const [k, v] of Object.entries(parsed.finding.evidence)) if (k !== '_truncated') expect(evidence[k]).toEqual(v);
          } else {
            expect(parsed.finding).toEqual(n.finding);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  test('property: batches keep order, every message, ≤ entries and ≤ bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 80 }), fc.integer({ min: 1, max: 16 }), (sizes, maxEntries) => {
        const messages = sizes.map((bytes, index) => ({ index, bytes }));
        const batches = packBatches(messages, maxEntries, 1000);
        expect(batches.flat()).toEqual(messages);
        for (const b of batches) {
          expect(b.length).toBeLessThanOrEqual(maxEntries);
          expect(b.reduce((s, m) => s + m.bytes, 0)).toBeLessThanOrEqual(1000);
        }
      }),
    );
  });
});

describe('chat digests stay within each provider limit', () => {
  const longFinding = fc.record({
    severity: fc.constantFrom(...SEVERITIES),
    title: fc.string({ maxLength: 400 }),
    message: fc.string({ maxLength: 5000 }),
    remediation: fc.string({ maxLength: 5000 }),
    ruleId: fc.string({ minLength: 1, maxLength: 60 }),
  });
  const batch = fc.tuple(fc.array(longFinding, { maxLength: 120 }), fc.array(longFinding, { maxLength: 80 })).map(([active, resolved]) => [
    ...active.map((f) => notification('new', f as Partial<Finding>)),
    ...resolved.map((f) => notification('resolved', f as Partial<Finding>)),
  ]);

  test('property: Slack ≤ 50 blocks, header ≤ 150, sections ≤ 3000, everything shown or counted', () => {
    fc.assert(
      fc.property(batch, (ns) => {
        const digest = buildDigest(ns, SCAN);
        const message = renderSlackMessage(digest);
        expect(message.blocks.length).toBeLessThanOrEqual(50);
        for (const b of message.blocks as Array<{ type: string; text?: { text: string } }>) {
          if (b.type === 'header') expect(b.text!.text.length).toBeLessThanOrEqual(150);
          if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(3000);
        }
        const json = JSON.stringify(message);
        const shownActive = (json.match(/\*Fix:\*/g) ?? []).length;
        const omitted = Number(/…and (\d+) more finding/.exec(json)?.[1] ?? 0);
        const sectionLines = (message.blocks as Array<{ type: string; text?: { text: string } }>).filter((b) => b.type === 'section').flatMap((b) => b.text!.text.split('\n'));
        const shownResolved = sectionLines.filter((line) => line.startsWith('• ')).length;
        expect(shownActive + shownResolved + omitted).toBe(ns.length);
      }),
      { numRuns: 40 },
    );
  });

  test('property: Teams ≤ 28 KB, DingTalk ≤ 20000 bytes, Feishu ≤ 20 KB', () => {
    fc.assert(
      fc.property(batch, (ns) => {
        const digest = buildDigest(ns, SCAN);
        expect(Buffer.byteLength(JSON.stringify(renderTeamsMessage(digest)))).toBeLessThanOrEqual(28 * 1024);
        expect(Buffer.byteLength(JSON.stringify(renderDingTalkMarkdown(digest)))).toBeLessThanOrEqual(20_000);
        const signed = { timestamp: '1722506400', sign: 'N6gzNHhorKbXxx18lV81eooBaLwi9SGlR8NKIaAbM5Y=', msg_type: 'interactive', card: renderFeishuCard(digest) };
        expect(Buffer.byteLength(JSON.stringify(signed))).toBeLessThanOrEqual(20_000);
      }),
      { numRuns: 40 },
    );
  });
});

describe('secrets', () => {
  test('inline, environment and SSM values; SSM read once per path, with decryption', async () => {
    const sent: GetParameterCommand[] = [];
    const ssm = ssmParameterReader({
      send: (async (command: GetParameterCommand) => {
        sent.push(command);
        return { Parameter: { Value: 'from-ssm' } };
      }) as never,
    });
    const resolve = createSecretResolver({ env: { HOOK: 'from-env' }, ssm });
    expect(await resolve('inline')).toBe('inline');
    expect(await resolve({ env: 'HOOK' })).toBe('from-env');
    expect(await resolve({ ssm: '/apigw/hook' })).toBe('from-ssm');
    expect(await resolve({ ssm: '/apigw/hook' })).toBe('from-ssm');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.input).toEqual({ Name: '/apigw/hook', WithDecryption: true });
  });

  test('failures say where the secret was looked for', async () => {
    const resolve = createSecretResolver({
      env: {},
      ssm: async () => {
        throw Object.assign(new Error('Parameter /apigw/missing not found.'), { name: 'ParameterNotFound' });
      },
    });
    await expect(resolve({ env: 'SLACK_WEBHOOK_URL' })).rejects.toThrow('environment variable SLACK_WEBHOOK_URL is not set');
    await expect(resolve({ ssm: '/apigw/missing' })).rejects.toThrow('SSM parameter /apigw/missing could not be read (ParameterNotFound: Parameter /apigw/missing not found.)');
  });
});

describe('createSinks and deliverAll', () => {
  const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/factorytoken000000000001';
  const config = configSchema.parse({
    sinks: [
      { type: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/apigw-findings.fifo', minSeverity: 'medium' },
      { type: 'mns', endpoint: 'https://123.mns.cn-hangzhou.aliyuncs.com', queue: 'apigw-findings' },
      { type: 'slack', url: { env: 'SLACK_WEBHOOK_URL' }, minSeverity: 'high' },
      { type: 'slack', url: { env: 'NOT_SET_ANYWHERE' } },
      { type: 'teams', url: { ssm: '/apigw/teams' } },
      { type: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=x', secret: { env: 'DINGTALK_SECRET' } },
      { type: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/y' },
      { type: 'webhook', url: 'https://example.com/hook', secret: { env: 'WEBHOOK_SECRET' } },
    ],
  });
  const resolve = createSecretResolver({
    env: { SLACK_WEBHOOK_URL: SLACK_URL, DINGTALK_SECRET: 'SECdingtalk', WEBHOOK_SECRET: 'whsec' },
    ssm: async () => 'https://prod.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=teamssig00000000',
  });

  test('one sink per entry, named by type (never by URL), repeats numbered; an unresolvable secret gives a sink that reports', async () => {
    const sinks = await createSinks(config.sinks, resolve);
    expect(sinks.map((s) => s.name)).toEqual(['sqs:apigw-findings.fifo', 'mns:apigw-findings', 'slack', 'slack#2', 'teams', 'dingtalk', 'feishu', 'webhook']);
    expect(sinks[0]).toBeInstanceOf(SqsSink);
    expect(sinks[2]).toBeInstanceOf(SlackSink);
    expect(sinks[7]).toBeInstanceOf(WebhookSink);
    (sinks[0] as SqsSink).close();

    const report = await sinks[3]!.deliver(notifications(2), SCAN);
    expect(report.sink).toBe('slack#2');
    expect(report.delivered).toBe(0);
    expect(report.failed.map((f) => f.error)).toEqual(
      Array(2).fill('sink not configured: url {env: NOT_SET_ANYWHERE} could not be resolved: environment variable NOT_SET_ANYWHERE is not set'),
    );
    expect(JSON.stringify(sinks.map((s) => s.name))).not.toMatch(/token|sig=|SECdingtalk|whsec/);
  });

  test('deliverAll runs every sink; one that throws is reported with every notification it would take, URL stripped', async () => {
    const ns = [notification('new', { severity: 'critical' }), notification('new', { severity: 'low' })];
    const delivered: Sink = { name: 'ok', deliver: async (n) => ({ sink: 'ok', delivered: n.length, failed: [] }) };
    const throwing: Sink & { accepts(n: Notification): boolean } = {
      name: 'custom',
      accepts: (n) => n.finding.severity === 'critical',
      deliver: async () => {
        throw new Error('POST https://hooks.example.com/secret-path-token?key=abc failed');
      },
    };
    const plainThrowing: Sink = { name: 'plain', deliver: () => Promise.reject(new TypeError('boom')) };
    const reports = await deliverAll([throwing, delivered, plainThrowing], ns, SCAN);
    expect(reports).toEqual<DeliveryReport[]>([
      { sink: 'custom', delivered: 0, failed: [{ fingerprint: ns[0]!.finding.fingerprint, event: 'new', error: 'sink failed: POST https://hooks.example.com/[REDACTED] failed' }] },
      { sink: 'ok', delivered: 2, failed: [] },
      { sink: 'plain', delivered: 0, failed: ns.map((n) => ({ fingerprint: n.finding.fingerprint, event: 'new' as const, error: 'sink failed: TypeError: boom' })) },
    ]);
    expect(JSON.stringify(reports)).not.toContain('secret-path-token');
  });

  test('minSeverity: a sink takes only findings at or above it; nothing to send means an empty report and no request', async () => {
    let requests = 0;
    const sink = new SlackSink({
      url: SLACK_URL,
      minSeverity: 'high',
      runtime: {
        fetch: (async () => {
          requests++;
          return new Response('ok', { status: 200 });
        }) as typeof fetch,
      },
    });
    expect(await sink.deliver([notification('new', { severity: 'medium' })], SCAN)).toEqual({ sink: 'slack', delivered: 0, failed: [] });
    expect(requests).toBe(0);
    expect(await sink.deliver([notification('new', { severity: 'high' }), notification('resolved', { severity: 'low' })], SCAN)).toEqual({ sink: 'slack', delivered: 1, failed: [] });
    expect(requests).toBe(1);
  });
});

test('a malformed webhook URL fails at once, without being quoted', async () => {
  const clock = testClock();
  const report = await new SlackSink({ url: 'hooks.slack.com/services/T0/B0/malformed-url-token-0001', runtime: clock }).deliver(notifications(1), SCAN);
  expect(report.failed[0]!.error).toBe('ERR_INVALID_URL: invalid URL');
  expect(clock.sleeps).toEqual([]);
});

test('fixtures: findings are distinct', () => {
  expect(finding().fingerprint).not.toBe(finding().fingerprint);
});

test('queue JSON escapes the two characters SQS refuses and still parses back to the same text', () => {
  const n = notification('new', { title: 'odd \uFFFE and \uFFFF characters' });
  const { body } = queueMessageBody(n, SCAN.id, 1_048_576);
  expect(body).not.toMatch(/[\uFFFE\uFFFF]/);
  expect((JSON.parse(body) as QueueMessageBody).finding.title).toBe('odd \uFFFE and \uFFFF characters');
});

describe('a sink object holds its secrets privately', () => {
  it('printing or serializing any sink shows no webhook URL, path token or signing secret', async () => {
    const token = 'T0KEN-inspect-9f8e7d6c5b4a';
    const secret = 'SIGNING-inspect-1a2b3c4d5e6f';
    const resolve = async (value: unknown) => (typeof value === 'string' ? value : String((value as { env: string }).env));
    const sinks = await createSinks(
      [
        { type: 'slack', url: `https://hooks.slack.com/services/${token}` },
        { type: 'teams', url: `https://example.webhook.office.com/workflows/${token}?sig=${token}` },
        { type: 'dingtalk', url: `https://oapi.dingtalk.com/robot/send?access_token=${token}`, secret },
        { type: 'feishu', url: `https://open.feishu.cn/open-apis/bot/v2/hook/${token}`, secret },
        { type: 'webhook', url: `https://hooks.example.com/${token}`, secret },
      ],
      resolve,
    );
    expect(sinks).toHaveLength(5);
    for (const sink of sinks) {
      const shown = `${JSON.stringify(sink)}\n${inspect(sink, { depth: 10, showHidden: true })}`;
      expect({ sink: sink.name, token: shown.includes(token), secret: shown.includes(secret) }).toEqual({ sink: sink.name, token: false, secret: false });
    }
  });
});
