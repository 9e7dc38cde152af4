/**
 * The events of the Function Compute fan-out (functions/alibaba/fanout.ts):
 *
 * - the dispatcher's timer trigger (`{triggerTime, triggerName, payload}`, payload
 *   `{"mode":"fanout"}` optionally with `regions`), or the same payload invoked directly;
 * - the worker's MNS queue trigger. FC 3.0 implements it with an EventBridge event stream: the
 *   function receives a JSON array of events (one per queue message, up to the trigger's batch
 *   size), each a CloudEvent `{id, source, specversion, type: "mns:Queue:SendMessage", subject:
 *   "acs:mns:<region>:<uid>:queues/<name>", data: {requestId, messageId, messageBody}}`, or with
 *   the RawData push format only the `data` part. The `source` is the trigger's event source name
 *   (`MNS-<function>-<trigger>`), not always `acs:mns`, so it is not checked. With `IsBase64Decode`
 *   (the default) the stream decodes the message body, which the dispatcher sends base64-encoded;
 *   a body that still arrives base64-encoded (the option turned off) is decoded here.
 *
 * Every message is judged on its own: one that is not a job is one rejection, the others still run.
 */
import { z } from 'zod';
import { isAlibabaRegionName } from '../config/regions';
import { decodeJson, describeType, isPlainObject, reject, rejectIssues } from '../events/decode';
import type { EventRejection } from '../events/types';
import { parseScanJob, type ScanJob } from './types';

export const MNS_MESSAGE_EVENT_TYPE = 'mns:Queue:SendMessage';

const DISPATCH_WHAT = 'dispatch event';
const WORKER_WHAT = 'MNS job event';

/** An event's type quoted back only when it reads as one (`oss:ObjectCreated:PutObject`): never what could be a credential. */
function shownType(type: string): string {
  return type.length <= 64 && /^[A-Za-z][A-Za-z0-9-]*([:.][A-Za-z0-9-]+)+$/.test(type) ? `"${type}"` : 'a type (not shown)';
}

const dispatchPayload = z.strictObject({
  mode: z.literal('fanout'),
  regions: z
    .array(z.string().refine(isAlibabaRegionName, 'must be an Alibaba Cloud region id'))
    .min(1)
    .max(50)
    .optional(),
});

const timerEvent = z.object({
  triggerTime: z.string().min(1),
  triggerName: z.string().min(1),
  payload: z.string().optional(),
});

export interface DispatchRequest {
  /** From the timer's name and time (a retried invocation keeps it); absent for a direct invocation. */
  dispatchId?: string;
  /** Regions that replace every target's own. */
  regions?: string[];
  trigger: { source: 'fc-timer' | 'invoke'; name?: string; time?: string };
}

/** The dispatcher's event: a timer tick whose payload is `{"mode":"fanout"}` (or empty), or that payload invoked directly. */
export function parseDispatchEvent(input: unknown): DispatchRequest | EventRejection {
  if ((Buffer.isBuffer(input) || typeof input === 'string') && input.toString().trim() === '') return { trigger: { source: 'invoke' } };
  const decoded = decodeJson(DISPATCH_WHAT, input);
  if ('error' in decoded) return decoded;
  const value = decoded.value;
  if (!isPlainObject(value)) return reject(DISPATCH_WHAT, '(root)', `expected an object, got ${describeType(value)}`);
  if ('triggerTime' in value || 'triggerName' in value) {
    const timer = timerEvent.safeParse(value);
    if (!timer.success) return rejectIssues(DISPATCH_WHAT, timer.error);
    const { triggerName, triggerTime, payload } = timer.data;
    const trigger = { source: 'fc-timer' as const, name: triggerName, time: triggerTime };
    const dispatchId = `${triggerName}@${triggerTime}`.slice(0, 128);
    if (!payload || payload.trim() === '') return { dispatchId, trigger };
    let options: unknown;
    try {
      options = JSON.parse(payload) as unknown;
    } catch (error) {
      return reject(DISPATCH_WHAT, 'payload', `not valid JSON (${(error as Error).message})`);
    }
    const parsed = dispatchPayload.safeParse(options);
    if (!parsed.success) return rejectIssues(DISPATCH_WHAT, parsed.error, 'payload');
    return { dispatchId, trigger, ...(parsed.data.regions ? { regions: [...new Set(parsed.data.regions)] } : {}) };
  }
  const parsed = dispatchPayload.safeParse(value);
  if (!parsed.success) return rejectIssues(DISPATCH_WHAT, parsed.error);
  return { trigger: { source: 'invoke' }, ...(parsed.data.regions ? { regions: [...new Set(parsed.data.regions)] } : {}) };
}

const mnsData = z.object({
  requestId: z.string().optional(),
  messageId: z.string().min(1).optional(),
  messageBody: z.union([z.string(), z.record(z.string(), z.unknown())]),
});

const mnsCloudEvent = z.object({
  id: z.string().min(1),
  source: z.string().optional(),
  specversion: z.string().optional(),
  type: z.literal(MNS_MESSAGE_EVENT_TYPE),
  subject: z.string().optional(),
  data: mnsData,
});

export interface JobMessage {
  job: ScanJob;
  /** The MNS message id (or the event id): what the logs name. */
  messageId?: string;
}

export interface RejectedMessage {
  messageId?: string;
  error: string;
}

export type ParsedJobMessage = JobMessage | RejectedMessage;

/** The queue name of an `acs:mns:<region>:<uid>:queues/<name>` subject. */
export function queueOfSubject(subject: string | undefined): string | undefined {
  return subject ? /:queues\/([^/]+)$/.exec(subject)?.[1] : undefined;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A job from the message body: JSON text, an object (already parsed), or base64 of the JSON text. */
function jobOfBody(body: string | Record<string, unknown>, where: string): ScanJob | { error: string } {
  if (typeof body !== 'string') return parseScanJob(body, where);
  const text = body.trim();
  if (text.startsWith('{')) return parseScanJob(text, where);
  const compact = text.replace(/\s+/g, '');
  if (compact.length > 0 && compact.length % 4 === 0 && BASE64.test(compact)) {
    const decoded = Buffer.from(compact, 'base64').toString('utf8').trim();
    if (decoded.startsWith('{')) return parseScanJob(decoded, `${where} (base64)`);
  }
  return { error: `${where}: not a JSON job (nor base64 of one)` };
}

function parseJobItem(item: unknown, where: string): ParsedJobMessage {
  if (!isPlainObject(item)) return reject(WORKER_WHAT, where || '(root)', `expected an object, got ${describeType(item)}`);
  const at = (path: string) => (where ? `${where}.${path}` : path);
  let data: z.infer<typeof mnsData>;
  let messageId: string | undefined;
  let dataWhere: string;
  const cloudEvent = 'type' in item || 'specversion' in item || 'data' in item;
  const dataPart = cloudEvent ? item['data'] : item;
  if (isPlainObject(dataPart) && dataPart['messageBody'] === undefined) {
    const id = cloudEvent ? (typeof dataPart['messageId'] === 'string' ? dataPart['messageId'] : typeof item['id'] === 'string' ? item['id'] : undefined) : typeof dataPart['messageId'] === 'string' ? dataPart['messageId'] : undefined;
    return { ...(id ? { messageId: id } : {}), ...reject(WORKER_WHAT, cloudEvent ? at('data.messageBody') : at('messageBody'), 'missing (expected the job as JSON text)') };
  }
  if (cloudEvent) {
    if (typeof item['type'] === 'string' && item['type'] !== MNS_MESSAGE_EVENT_TYPE) {
      return { ...(typeof item['id'] === 'string' ? { messageId: item['id'] } : {}), ...reject(WORKER_WHAT, at('type'), `${shownType(item['type'])} is not an MNS queue message`) };
    }
    const parsed = mnsCloudEvent.safeParse(item);
    if (!parsed.success) return { ...(typeof item['id'] === 'string' ? { messageId: item['id'] } : {}), ...rejectIssues(WORKER_WHAT, parsed.error, where) };
    data = parsed.data.data;
    messageId = data.messageId ?? parsed.data.id;
    dataWhere = at('data');
  } else {
    // RawData push format: only the CloudEvent's data.
    const parsed = mnsData.safeParse(item);
    if (!parsed.success) return rejectIssues(WORKER_WHAT, parsed.error, where);
    data = parsed.data;
    messageId = data.messageId;
    dataWhere = where || '(root)';
  }
  const job = jobOfBody(data.messageBody, `${WORKER_WHAT}: ${dataWhere}.messageBody`);
  if ('error' in job) return { ...(messageId ? { messageId } : {}), error: job.error };
  return { job, ...(messageId ? { messageId } : {}) };
}

/** The messages of one worker invocation (a batch array, or a single event object), each a job or a rejection. */
export function parseMnsJobEvent(input: unknown): { messages: ParsedJobMessage[] } | EventRejection {
  const decoded = decodeJson(WORKER_WHAT, input);
  if ('error' in decoded) return decoded;
  const value = decoded.value;
  if (Array.isArray(value)) {
    if (value.length === 0) return reject(WORKER_WHAT, '(root)', 'an empty batch');
    return { messages: value.map((item, i) => parseJobItem(item, `[${i}]`)) };
  }
  if (isPlainObject(value)) return { messages: [parseJobItem(value, '')] };
  return reject(WORKER_WHAT, '(root)', `expected an event or an array of events, got ${describeType(value)}`);
}
