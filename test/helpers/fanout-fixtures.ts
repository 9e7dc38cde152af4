/**
 * Events and log capture shared by the fan-out tests (functions, security): an SQS record as the
 * Lambda event source mapping delivers it, one MNS queue message as the Function Compute trigger's
 * event stream delivers it (CloudEvents push format), and a structured-log collector.
 */
import { MNS_MESSAGE_EVENT_TYPE } from '../../lib/fanout/fc-events';
import type { AlibabaInventoryData } from '../../lib/inventory/model';
import { exampleAlibabaEstate } from './alibaba-example-estate';

export function sqsRecord(messageId: string, body: string, queueArn: string) {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1732190400000', SenderId: 'AROAEXAMPLE', ApproximateFirstReceiveTimestamp: '1732190400001' },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'us-east-1',
  };
}

/** Message `n` of an MNS queue (`acs:mns:<region>:<account>:queues/<queue>`) as a CloudEvent. */
export function mnsEvent(body: string, n: number, queue: { region: string; account: string; name: string }): Record<string, unknown> {
  return {
    id: `a1b2c3d4-0000-4000-8000-${String(n).padStart(12, '0')}`,
    source: 'MNS-apigw-auditor-worker-jobs',
    specversion: '1.0',
    type: MNS_MESSAGE_EVENT_TYPE,
    datacontenttype: 'application/json; charset=utf-8',
    subject: `acs:mns:${queue.region}:${queue.account}:queues/${queue.name}`,
    time: '2026-11-21T12:00:01.000Z',
    aliyunaccountid: queue.account,
    data: { requestId: `606EA3074344430D4C81${String(n).padStart(4, '0')}`, messageId: `C6DB60D1574661357FA2272774${String(n).padStart(6, '0')}`, messageBody: body },
  };
}

/** The Alibaba example estate (which has findings) moved to another account and region. */
export function alibabaEstateFor(account: string, region: string): AlibabaInventoryData {
  const example = exampleAlibabaEstate();
  return JSON.parse(JSON.stringify(example).split(example.account).join(account).split(example.region).join(region)) as AlibabaInventoryData;
}

/** Collects a handler's one-line JSON logs, raw and parsed. */
export function captureLog(): { lines: Array<Record<string, any>>; raw: string[]; writeLog: (line: string) => void } {
  const lines: Array<Record<string, any>> = [];
  const raw: string[] = [];
  return {
    lines,
    raw,
    writeLog: (line) => {
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, any>);
    },
  };
}
