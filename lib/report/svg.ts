/**
 * Lays a topology out with dagre (in Node, at render time: the page runs no layout code) and draws
 * it as inline SVG. Text sizes are estimated from character counts (no font metrics in Node), with
 * room to spare; every string is escaped.
 */
import dagre from '@dagrejs/dagre';
import { clip, esc } from './escape';
import { isBroken, type TopoEdge, type TopoMember, type TopoNode, type Topology } from './topology';

const CHAR_W = 6.6; // ~11.5px system-ui/sans-serif, generous
const NODE_H = 42;
const TITLE_MAX = 34;
const SUB_MAX = 40;
const LABEL_LINE = 13;
const LABEL_MAX = 44;

interface LabelLines {
  lines: Array<{ text: string; rule: boolean }>;
  width: number;
  height: number;
}

function edgeLabel(e: TopoEdge): LabelLines | undefined {
  const marks = e.marks.filter((m) => m.labelled);
  if (marks.length === 0) return undefined;
  const seen = new Set<string>();
  const lines: LabelLines['lines'] = [];
  for (const m of marks) {
    if (seen.has(m.ruleId)) continue;
    seen.add(m.ruleId);
    if (seen.size > 3) {
      lines.push({ text: `+${new Set(marks.map((x) => x.ruleId)).size - 3} more`, rule: false });
      break;
    }
    lines.push({ text: m.ruleId, rule: true }, { text: clip(m.title, LABEL_MAX), rule: false });
  }
  const width = Math.ceil(Math.max(...lines.map((l) => l.text.length)) * (CHAR_W - 0.4) + 12);
  return { lines, width, height: lines.length * LABEL_LINE + 8 };
}

function pathOf(points: Array<{ x: number; y: number }>): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points;
  if (rest.length === 0) return `M${first!.x.toFixed(1)},${first!.y.toFixed(1)}`;
  // Quadratic smoothing through the dagre control points.
  let d = `M${first!.x.toFixed(1)},${first!.y.toFixed(1)}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const c = rest[i]!;
    const n = rest[i + 1]!;
    const mx = (c.x + n.x) / 2;
    const my = (c.y + n.y) / 2;
    d += ` Q${c.x.toFixed(1)},${c.y.toFixed(1)} ${mx.toFixed(1)},${my.toFixed(1)}`;
  }
  const last = rest[rest.length - 1]!;
  d += ` L${last.x.toFixed(1)},${last.y.toFixed(1)}`;
  return d;
}

/**
 * Width the layout aims for: about the content column of a laptop screen. A graph wider than this
 * in left-to-right order is laid out top-to-bottom instead (long paths become tall, not wide);
 * whatever is still wider is scaled down to the column by the page (fit to width).
 */
export const COLUMN_WIDTH = 1000;
/** Members named in a collapsed node's tooltip (the list under the graph has them all). */
const TOOLTIP_MEMBERS = 25;

const newGraph = () => new dagre.graphlib.Graph({ multigraph: false, directed: true });
type Laid = { g: ReturnType<typeof newGraph>; width: number; height: number; rankdir: 'LR' | 'TB' };

function layout(t: Topology, rankdir: 'LR' | 'TB', sizes: Map<string, { w: number }>, labels: Map<TopoEdge, LabelLines | undefined>): Laid {
  const g = newGraph();
  g.setGraph(rankdir === 'LR' ? { rankdir, nodesep: 16, ranksep: 22, edgesep: 12, marginx: 10, marginy: 10 } : { rankdir, nodesep: 18, ranksep: 30, edgesep: 12, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of t.nodes) g.setNode(n.key, { width: sizes.get(n.key)!.w, height: NODE_H });
  for (const e of t.edges) {
    const label = labels.get(e);
    g.setEdge(e.from, e.to, label ? { width: label.width, height: label.height, labelpos: 'c' } : { width: 0, height: 0 });
  }
  dagre.layout(g);
  const graph = g.graph();
  return { g, width: Math.ceil(graph.width ?? 0), height: Math.ceil(graph.height ?? 0), rankdir };
}

/**
 * The rank direction, by measuring: left-to-right when that layout fits `column`, else
 * top-to-bottom when that one fits, else whichever is narrower (it is scaled down the least).
 */
function chooseLayout(t: Topology, sizes: Map<string, { w: number }>, labels: Map<TopoEdge, LabelLines | undefined>, column: number): Laid {
  // Skip the left-to-right layout when even its lower bound is too wide: the widest node of each
  // rank (longest-path ranks) side by side, without edge labels or separation.
  if (lrLowerBound(t, sizes) > column) {
    const tb = layout(t, 'TB', sizes, labels);
    if (tb.width <= column) return tb;
  }
  const lr = layout(t, 'LR', sizes, labels);
  if (lr.width <= column) return lr;
  const tb = layout(t, 'TB', sizes, labels);
  return tb.width <= column || tb.width < lr.width ? tb : lr;
}

function lrLowerBound(t: Topology, sizes: Map<string, { w: number }>): number {
  const rank = new Map<string, number>(t.nodes.map((n) => [n.key, 0]));
  // Longest path from the roots; the graphs are acyclic (built along the path).
  for (let i = 0; i < t.nodes.length; i++) {
    let changed = false;
    for (const e of t.edges) {
      const r = (rank.get(e.from) ?? 0) + 1;
      if (r > (rank.get(e.to) ?? 0)) {
        rank.set(e.to, r);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const widest = new Map<number, number>();
  for (const n of t.nodes) {
    const r = rank.get(n.key) ?? 0;
    widest.set(r, Math.max(widest.get(r) ?? 0, sizes.get(n.key)!.w));
  }
  return [...widest.values()].reduce((a, b) => a + b, 0);
}

function memberLine(m: TopoMember): string {
  return [m.title, m.sub, m.missing ? 'not found' : ''].filter(Boolean).join(' · ');
}

/** The tooltip of a node; for a collapsed node, its members (the first TOOLTIP_MEMBERS). */
function nodeTip(n: TopoNode): string {
  if (!n.members) return [n.title, n.sub, ...n.refs].filter(Boolean).join('\n');
  const shown = n.members.slice(0, TOOLTIP_MEMBERS).map(memberLine);
  const more = n.members.length - shown.length;
  return [n.title, ...shown, more > 0 ? `… and ${more} more (listed under the graph)` : ''].filter(Boolean).join('\n');
}

/** The graph as an `<svg>` element (markers come from the page's shared `<defs>`). */
export function renderTopologySvg(t: Topology, column = COLUMN_WIDTH): string {
  const sizes = new Map<string, { w: number; title: string; sub: string }>();
  for (const n of t.nodes) {
    const title = clip(n.title, TITLE_MAX);
    const sub = clip(n.sub, SUB_MAX);
    const w = Math.max(96, Math.ceil(Math.max(title.length * (CHAR_W + 1.2), sub.length * (CHAR_W - 0.8)) + 20));
    sizes.set(n.key, { w, title, sub });
  }
  const labels = new Map<TopoEdge, LabelLines | undefined>();
  for (const e of t.edges) labels.set(e, edgeLabel(e));
  const { g, width, height, rankdir } = chooseLayout(t, sizes, labels, column);

  const parts: string[] = [];
  parts.push(
    `<svg class="topo" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" data-rankdir="${rankdir}" role="img" aria-label="${esc(`topology of ${t.title}`)}">`,
  );
  // Edges first, then nodes on top, then the labels of broken edges above everything.
  const labelParts: string[] = [];
  for (const e of t.edges) {
    const laid = g.edge(e.from, e.to);
    const cls = e.marks.length === 0 ? 'ok' : e.marks.some((m) => isBroken(m.severity)) ? 'broken' : 'warn';
    const rules = [...new Set(e.marks.map((m) => m.ruleId))].join(' ');
    const tip = e.marks.map((m) => `${m.ruleId} (${m.severity}): ${m.message}`).join('\n');
    parts.push(
      `<g class="edge ${cls}" data-from="${esc(e.from)}" data-to="${esc(e.to)}"${rules ? ` data-rules="${esc(rules)}"` : ''}>` +
        (tip ? `<title>${esc(tip)}</title>` : '') +
        `<path d="${pathOf(laid.points ?? [])}" marker-end="url(#arrow-${cls})"/></g>`,
    );
    const label = labels.get(e);
    if (label && laid.x !== undefined && laid.y !== undefined) {
      const x0 = laid.x - label.width / 2;
      const y0 = laid.y - label.height / 2;
      const lines = label.lines
        .map((l, i) => `<text x="${(x0 + 6).toFixed(1)}" y="${(y0 + 4 + LABEL_LINE * (i + 1) - 3).toFixed(1)}" class="${l.rule ? 'rule' : 'reason'}">${esc(l.text)}</text>`)
        .join('');
      labelParts.push(
        `<g class="elabel ${cls}" data-from="${esc(e.from)}" data-to="${esc(e.to)}"><title>${esc(tip)}</title>` +
          `<rect x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="${label.width}" height="${label.height}" rx="4"/>${lines}</g>`,
      );
    }
  }
  const hit = new Set(t.edges.filter((e) => e.marks.some((m) => isBroken(m.severity))).map((e) => e.to));
  for (const n of t.nodes) {
    const laid = g.node(n.key);
    const s = sizes.get(n.key)!;
    const x = (laid.x ?? 0) - s.w / 2;
    const y = (laid.y ?? 0) - NODE_H / 2;
    const cls = `node k-${n.kind}${n.missing ? ' missing' : ''}${n.guard ? ' guard' : ''}${n.members ? ' collapsed' : ''}`;
    const into = hit.has(n.key);
    parts.push(
      `<g class="${cls}${into ? ' hit' : ''}" data-node="${esc(n.key)}" data-kind="${n.kind}" data-id="${esc(n.id)}"${n.members ? ` data-members="${n.members.length}"` : ''}>` +
        `<title>${esc(nodeTip(n))}</title>` +
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${s.w}" height="${NODE_H}" rx="${n.guard ? 14 : 5}"/>` +
        `<text x="${(x + 10).toFixed(1)}" y="${(y + 17).toFixed(1)}" class="t">${esc(s.title)}</text>` +
        `<text x="${(x + 10).toFixed(1)}" y="${(y + 33).toFixed(1)}" class="s">${esc(s.sub)}</text></g>`,
    );
  }
  parts.push(...labelParts, '</svg>');
  return parts.join('');
}
