/**
 * Reading POP JSON answers. Lists come wrapped (`Instances: { InstanceAttribute: [...] }`) or bare
 * (`BackendModels: [...]`), booleans sometimes as `"TRUE"`, numbers sometimes as strings, and
 * pop-core parses large integers into BigNumber objects; these helpers accept every form.
 */
import { missingKey } from './errors';

export type WireObject = Record<string, unknown>;

export function isObject(value: unknown): value is WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string (numbers and BigNumbers as their decimal text). */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (isObject(value) && typeof (value as { toFixed?: unknown }).toFixed === 'function') return (value as { toFixed(): string }).toFixed();
  return undefined;
}

/** An integer the inventory can hold: beyond ±2^53 (a 30-digit string, 1e300) is no value, not a rounded one. */
export function integer(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && Number.isSafeInteger(Math.trunc(value)) ? Math.trunc(value) : undefined;
  const s = text(value);
  if (s === undefined || !/^-?\d+$/.test(s.trim())) return undefined;
  const n = Number(s.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `true`/`false`, `"true"`/`"TRUE"`/`"false"`, anything else undefined. */
export function flag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
  }
  return undefined;
}

/** The objects of a list that is either bare or wrapped under `itemKey`. */
export function objects(container: unknown, itemKey?: string): WireObject[] {
  const list = Array.isArray(container) ? container : isObject(container) && itemKey && Array.isArray(container[itemKey]) ? container[itemKey] : [];
  return (list as unknown[]).filter(isObject);
}

/** The strings of a list that is either bare or wrapped under `itemKey`. */
export function strings(container: unknown, itemKey?: string): string[] {
  const list = Array.isArray(container) ? container : isObject(container) && itemKey && Array.isArray(container[itemKey]) ? container[itemKey] : [];
  return (list as unknown[]).map(text).filter((s): s is string => s !== undefined);
}

/** The first of several spellings that is present (`VswitchId` / `VSwitchId`). */
export function either(object: WireObject, ...keys: string[]): unknown {
  for (const key of keys) if (object[key] !== undefined && object[key] !== null) return object[key];
  return undefined;
}

/** The value under `key`, or a MalformedResponseError naming the key. */
export function required(answer: WireObject, key: string): unknown {
  const value = answer[key];
  if (value === undefined || value === null) throw missingKey(key);
  return value;
}

/** `{ TagInfo: [{Key, Value}] }` / `{ Tag: [{TagKey, TagValue}] }` → record, undefined when empty. */
export function tags(container: unknown): Record<string, string> | undefined {
  const list = [...objects(container, 'TagInfo'), ...objects(container, 'Tag')];
  const out: Record<string, string> = {};
  for (const t of list) {
    const key = text(either(t, 'Key', 'TagKey'));
    if (key !== undefined) out[key] = text(either(t, 'Value', 'TagValue')) ?? '';
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
