/**
 * ActionTrail (2020-07-06) `LookupEvents` over a list of event records the test supplies (the
 * records as ActionTrail returns them: `eventId`, `eventName`, `serviceName`, `eventRW`,
 * `eventTime`, `acsRegion`, `requestParameters`, …). Request and answer as in the
 * actiontrail-20200706 TS-SDK models: `LookupAttribute.N.Key/Value` (1–2 filters; keys handled
 * here: ServiceName, EventName, EventRW, EventId), `StartTime`/`EndTime` (`yyyy-MM-ddTHH:mm:ssZ`,
 * both or neither; neither = the last 7 days), `MaxResults` 1–50 (default 20), `NextToken`,
 * `Direction` (`BACKWARD`, newest first, by default; `FORWARD`). Answer: `Events`, `NextToken`
 * (empty on the last page), `StartTime`, `EndTime`. Only events of the fake's region are returned
 * (LookupEvents answers for the endpoint's region).
 */

import type { AliEstateView } from './estate-view';
import { type OperationSpec, type Params, type ProductSpec, aliErrors } from './protocol';

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const KEYS: Record<string, string> = { servicename: 'serviceName', eventname: 'eventName', eventrw: 'eventRW', eventid: 'eventId' };

function filters(params: Params): Array<{ field: string; value: string }> {
  const out: Array<{ field: string; value: string }> = [];
  for (let n = 1; params[`LookupAttribute.${n}.Key`] !== undefined; n++) {
    const key = params[`LookupAttribute.${n}.Key`]!;
    const field = KEYS[key.toLowerCase()];
    if (!field) throw aliErrors.invalidParameter(`The specified parameter "LookupAttribute.${n}.Key" is not valid: ${key}.`);
    out.push({ field, value: params[`LookupAttribute.${n}.Value`] ?? '' });
  }
  if (out.length > 2) throw aliErrors.invalidParameter('At most two LookupAttribute conditions are allowed.');
  return out;
}

/** `events` is asked on every request, with the view the request is served from (the fleet keeps events per account). */
export function actionTrailOperations(events: (view: AliEstateView) => Array<Record<string, unknown>>): Record<string, OperationSpec> {
  return {
    LookupEvents: {
      listKey: 'Events',
      handle(params, { view }) {
        const start = params['StartTime'];
        const end = params['EndTime'];
        if ((start === undefined) !== (end === undefined)) throw aliErrors.invalidParameter('StartTime and EndTime must be specified together.');
        for (const [name, value] of [['StartTime', start], ['EndTime', end]] as const) {
          if (value !== undefined && !TIME.test(value)) throw aliErrors.invalidParameter(`The specified parameter "${name}" is not valid: ${value}.`);
        }
        const endMs = end ? Date.parse(end) : Date.now();
        const startMs = start ? Date.parse(start) : endMs - 7 * 86_400_000;
        const size = params['MaxResults'] === undefined ? 20 : Number(params['MaxResults']);
        if (!Number.isInteger(size) || size < 1 || size > 50) throw aliErrors.invalidParameter(`The specified parameter "MaxResults" is not valid: ${params['MaxResults']}.`);
        const conditions = filters(params);
        const forward = (params['Direction'] ?? 'BACKWARD').toUpperCase() === 'FORWARD';
        const matching = events(view)
          .filter((e) => (typeof e['acsRegion'] === 'string' ? e['acsRegion'] === view.region : true))
          .filter((e) => {
            const t = Date.parse(String(e['eventTime'] ?? ''));
            return t >= startMs && t <= endMs;
          })
          .filter((e) => conditions.every((c) => String(e[c.field] ?? '').toLowerCase() === c.value.toLowerCase()))
          .sort((a, b) => Date.parse(String(a['eventTime'])) - Date.parse(String(b['eventTime'])));
        if (!forward) matching.reverse();
        let offset = 0;
        const token = params['NextToken'];
        if (token) {
          const decoded = Number(Buffer.from(token, 'base64').toString('utf8').replace(/^offset:/, ''));
          if (!Number.isInteger(decoded) || decoded < 0) throw aliErrors.invalidParameter('The specified parameter "NextToken" is not valid.');
          offset = decoded;
        }
        const page = matching.slice(offset, offset + size);
        const next = offset + size < matching.length ? Buffer.from(`offset:${offset + size}`).toString('base64') : '';
        return {
          Events: page.map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>),
          NextToken: next,
          StartTime: new Date(startMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          EndTime: new Date(endMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        };
      },
    },
  };
}

/** ActionTrail as a product of the fakes, serving `LookupEvents` over `events` (see actionTrailOperations). */
export function actionTrailProduct(version: string, events: (view: AliEstateView) => Array<Record<string, unknown>>): ProductSpec {
  return {
    product: 'actiontrail',
    popCode: 'Actiontrail',
    version,
    host: (r) => `actiontrail.${r}.aliyuncs.com`,
    operations: actionTrailOperations(events),
  };
}
