/**
 * Shared pieces of the fuzz suites: structural mutations of real-shaped JSON documents, and the
 * checks every boundary must satisfy (no stray exception, a one-line bounded message, no hang).
 *
 * Case counts: each boundary runs FUZZ_RUNS (default 10 000) generated cases in total, split
 * over its properties. Set FUZZ_SCALE=10 locally for a longer run; the sum over test/fuzz stays
 * well under a minute of CI time at scale 1.
 */
import fc from 'fast-check';

export const FUZZ_SCALE = Number(process.env.FUZZ_SCALE ?? '1') || 1;

/** numRuns for one property: `share` of a boundary's 10k budget, scaled by FUZZ_SCALE. */
export function runs(count: number): { numRuns: number } {
  return { numRuns: Math.max(1, Math.round(count * FUZZ_SCALE)) };
}

/** A single case taking longer than this counts as a hang (no async parser is involved). */
export const CASE_BUDGET_MS = 2000;

/** Longest rejection message accepted: one line a person can read, not an echo of the input. */
export const MAX_MESSAGE_CHARS = 2000;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type PathStep = string | number;

/** Every path to a node of `value` (the root is `[]`), breadth-first, at most `limit` of them. */
export function paths(value: unknown, limit = 400): PathStep[][] {
  const out: PathStep[][] = [];
  const queue: Array<[unknown, PathStep[]]> = [[value, []]];
  while (queue.length > 0 && out.length < limit) {
    const [node, path] = queue.shift()!;
    out.push(path);
    if (Array.isArray(node)) node.forEach((child, i) => queue.push([child, [...path, i]]));
    else if (node !== null && typeof node === 'object') for (const [k, child] of Object.entries(node)) queue.push([child, [...path, k]]);
  }
  return out;
}

/** What to do at a chosen node. */
export type Mutation =
  | { op: 'delete' }
  | { op: 'replace'; value: unknown }
  | { op: 'wrong-type' }
  | { op: 'huge-string'; length: number }
  | { op: 'deep-nesting'; depth: number; asObject: boolean }
  | { op: 'add-key'; key: string; value: unknown }
  | { op: 'duplicate-array' };

function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 0;
  if (value === null || value === undefined) return {};
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [String(i), v]));
  return Object.values(value as object);
}

export function deeplyNested(depth: number, asObject: boolean): unknown {
  let node: unknown = 'leaf';
  for (let i = 0; i < depth; i++) node = asObject ? { a: node } : [node];
  return node;
}

/** Applies one mutation at `path`; only the nodes on the path are copied (deep subtrees are shared). */
export function mutate(root: unknown, path: PathStep[], mutation: Mutation): unknown {
  const replacement = (current: unknown): unknown => {
    switch (mutation.op) {
      case 'replace':
        return mutation.value;
      case 'wrong-type':
        return wrongType(current);
      case 'huge-string':
        return 'x'.repeat(mutation.length);
      case 'deep-nesting':
        return deeplyNested(mutation.depth, mutation.asObject);
      case 'add-key':
        return current !== null && typeof current === 'object' && !Array.isArray(current) ? { ...current, [mutation.key]: mutation.value } : current;
      case 'duplicate-array':
        return Array.isArray(current) ? [...current, ...current] : current;
      case 'delete':
        return undefined;
    }
  };
  if (path.length === 0) return mutation.op === 'delete' ? undefined : replacement(root);
  const [step, ...rest] = path;
  const node = root as Record<PathStep, unknown> | unknown[];
  const copy: Record<PathStep, unknown> | unknown[] = Array.isArray(node) ? [...node] : { ...node };
  if (rest.length === 0 && mutation.op === 'delete') {
    if (Array.isArray(copy)) copy.splice(step as number, 1);
    else delete copy[step!];
    return copy;
  }
  (copy as Record<PathStep, unknown>)[step!] = rest.length === 0 ? replacement((node as Record<PathStep, unknown>)[step!]) : mutate((node as Record<PathStep, unknown>)[step!], rest, mutation);
  return copy;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Mutation>({ op: 'delete' }) },
  { weight: 4, arbitrary: fc.constant<Mutation>({ op: 'wrong-type' }) },
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }).map<Mutation>((value) => ({ op: 'replace', value })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(0, 1, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, '', ' ', 'null', '0', '[]', '{}', 'TRUE', '\u0000', '\n', '::/0', '0.0.0.0/0', '9'.repeat(40), '__proto__', true, false, null, [], {})
      .map<Mutation>((value) => ({ op: 'replace', value })),
  },
  { weight: 1, arbitrary: fc.constantFrom(10_000, 200_000).map<Mutation>((length) => ({ op: 'huge-string', length })) },
  { weight: 1, arbitrary: fc.record({ depth: fc.constantFrom(50, 1000), asObject: fc.boolean() }).map<Mutation>((m) => ({ op: 'deep-nesting', ...m })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'a\nb')), value: fc.jsonValue({ maxDepth: 2 }) })
      .map<Mutation>((m) => ({ op: 'add-key', ...m })),
  },
  { weight: 1, arbitrary: fc.constant<Mutation>({ op: 'duplicate-array' }) },
);

/**
 * 1–3 mutations of `base`, each at a random node (the node index is taken modulo the number of
 * nodes, so every position is reachable whatever the document's size).
 */
export function mutatedArb(base: unknown, maxMutations = 3): fc.Arbitrary<unknown> {
  return fc.array(fc.tuple(fc.nat(), mutationArb), { minLength: 1, maxLength: maxMutations }).map((steps) => {
    let value: unknown = base;
    for (const [index, mutation] of steps) {
      const candidates = paths(value);
      if (candidates.length === 0) return value;
      value = mutate(value, candidates[index % candidates.length]!, mutation);
    }
    return value;
  });
}

/** Random JSON, plus the awkward values JSON.parse never gives but a caller can pass. */
export const anyValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 2, arbitrary: fc.object({ maxDepth: 3, withBigInt: false, withDate: true, withMap: false, withSet: false, withNullPrototype: true }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, NaN, Infinity, -0, () => 1, Symbol('s'), new Date(NaN), Buffer.from('{}')) },
);

/** True when some object key of `value` holds a line break (known bug: echoed into one-line errors). */
export function hasLineBreakKey(value: unknown, depth = 0): boolean {
  if (depth > 50 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => hasLineBreakKey(v, depth + 1));
  return Object.entries(value).some(([k, v]) => /[\r\n\u2028\u2029]/.test(k) || hasLineBreakKey(v, depth + 1));
}

/** True when a key or string of `value` has a line break or is longer than 500 chars (echo bugs). */
export function hasAwkwardStrings(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.length > 500 || /[\r\n\u2028\u2029]/.test(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return true;
  if (depth > 50 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => hasAwkwardStrings(v, depth + 1));
  return Object.entries(value).some(([k, v]) => hasAwkwardStrings(k, depth + 1) || hasAwkwardStrings(v, depth + 1));
}

/** Time-boxes a synchronous call (it cannot be interrupted, so it is measured). */
export function timed<T>(fn: () => T): T {
  const started = performance.now();
  const result = fn();
  const elapsed = performance.now() - started;
  if (elapsed > CASE_BUDGET_MS) throw new Error(`case took ${Math.round(elapsed)} ms (budget ${CASE_BUDGET_MS} ms)`);
  return result;
}

export async function timedAsync<T>(fn: () => Promise<T>, budget = CASE_BUDGET_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`case did not settle within ${budget} ms`)), budget);
  });
  try {
    return await Promise.race([fn(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One line, bounded, starting with `<where>: `. */
export function expectOneLineMessage(message: string, where?: string): void {
  if (message.includes('\n') || message.includes('\r')) throw new Error(`message spans several lines: ${JSON.stringify(message.slice(0, 300))}`);
  if (message.length > MAX_MESSAGE_CHARS) throw new Error(`message is ${message.length} chars long: ${JSON.stringify(message.slice(0, 300))}…`);
  if (message.trim().length === 0) throw new Error('empty message');
  if (where !== undefined && !message.startsWith(`${where}: `)) throw new Error(`message does not name ${where}: ${JSON.stringify(message.slice(0, 300))}`);
}

/**
 * Runs `fn`; an exception of one of `allowed` must carry a one-line message naming `where`;
 * any other exception fails the property with its stack.
 */
export function expectOnlyDocumented<T>(fn: () => T, allowed: Array<new (...args: never[]) => Error>, where: string): T | Error {
  try {
    return timed(fn);
  } catch (error) {
    if (allowed.some((cls) => error instanceof cls)) {
      expectOneLineMessage((error as Error).message, where);
      return error as Error;
    }
    throw error;
  }
}

/** Seed of the response fuzzers: fixed so a failure reproduces; FUZZ_SEED=<n> explores further. */
export const FUZZ_SEED = Number.parseInt(process.env.FUZZ_SEED ?? '', 10) || 20_261_122;

/** `runs(count)` with the fixed (or FUZZ_SEED) seed. */
export function seededRuns(count: number): { numRuns: number; seed: number } {
  return { ...runs(count), seed: FUZZ_SEED };
}

/** Shape of an answer member, for generating SDK-output-like values. */
export type MemberSpec = 'id' | 'str' | 'int' | 'bool' | 'date' | 'map' | readonly [MemberSpec] | { readonly [member: string]: MemberSpec } | fc.Arbitrary<unknown>;

const plainStringArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z]{1,4}-[0-9a-f]{1,8}$/) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n', '__proto__', 'constructor', '0.0.0.0/0', '::/0', '\u2028', 'x'.repeat(10_000)) },
);

/** Values of the wrong kind for any member. */
export const garbageArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, 0, -1, 1.5, NaN, Infinity, 2 ** 63, true, '', [], {}, new Date(NaN), [null], { a: 1 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A valid-typed value for `spec` nine times in ten, else garbage; structures have every member optional. */
export function memberArb(spec: MemberSpec): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 9, arbitrary: validMemberArb(spec) }, { weight: 1, arbitrary: garbageArb });
}

function validMemberArb(spec: MemberSpec): fc.Arbitrary<unknown> {
  if (spec instanceof fc.Arbitrary) return spec;
  if (spec === 'id' || spec === 'str') return plainStringArb;
  if (spec === 'int') return fc.oneof(fc.integer({ min: -1, max: 65_535 }), fc.constantFrom(-1, 0, 2 ** 31, Number.MAX_SAFE_INTEGER + 2));
  if (spec === 'bool') return fc.boolean();
  if (spec === 'date') return fc.oneof(fc.date({ noInvalidDate: false }), fc.constantFrom('2024-01-01T00:00:00Z', 'not a date'));
  if (spec === 'map') return fc.dictionary(plainStringArb, fc.oneof({ weight: 9, arbitrary: plainStringArb }, { weight: 1, arbitrary: garbageArb }), { maxKeys: 3 });
  if (Array.isArray(spec)) return fc.array(memberArb(spec[0] as MemberSpec), { maxLength: 3 });
  return structureArb(spec as { readonly [member: string]: MemberSpec });
}

/**
 * An SDK-output-like structure: each member valid-typed or garbage; every member optional except
 * identifiers (`'id'`), which are present nine times in ten so that valid elements get built too.
 */
export function structureArb(members: { readonly [member: string]: MemberSpec }): fc.Arbitrary<Record<string, unknown>> {
  const arbs: Record<string, fc.Arbitrary<unknown>> = {};
  const ids: string[] = [];
  for (const [k, v] of Object.entries(members)) {
    arbs[k] = memberArb(v);
    if (v === 'id') ids.push(k);
  }
  const record = fc.record(arbs, { requiredKeys: ids });
  if (ids.length === 0) return record;
  return fc.oneof({ weight: 9, arbitrary: record }, { weight: 1, arbitrary: fc.record(arbs, { requiredKeys: [] }) });
}
