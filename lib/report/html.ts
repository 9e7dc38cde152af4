/**
 * `--format html`: one self-contained page (inline CSS, JS and SVG; a Content-Security-Policy that
 * allows nothing to be fetched) with the summary by severity, the findings table with filters, and
 * each private integration's topology with the broken hops drawn in red.
 *
 * Table rows are rendered here; the page's script only toggles `hidden` on them, so it stays fast
 * with thousands of findings. Every string from the estate goes through `esc`.
 */
import { createHash } from 'node:crypto';
import type { Finding, FindingsDocument } from '../findings/types';
import type { InventoryData } from '../inventory/model';
import { SEVERITIES, type Severity } from '../rules/types';
import { clip, esc } from './escape';
import { renderTopologySvg } from './svg';
import { buildTopologies, isBroken, type TopoNode, type Topology } from './topology';

/** Integrations named in the "not drawn" list (the rest are counted). */
const OMITTED_LIST_MAX = 2000;

export interface HtmlReportOptions {
  /** At most this many integration graphs are drawn (broken ones first); default 300. */
  maxGraphs?: number;
}

const STYLE = `
:root{--crit:#b3261e;--high:#d9480f;--med:#b7791f;--low:#2b6cb0;--info:#4a5568;--ok:#8a94a6;--bg:#f6f7f9;--fg:#1a202c;--muted:#5a6474;--line:#dfe3ea}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#1f2933;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:20px;font-weight:600}
header p{margin:4px 0 0;color:#c5cdd8;font-size:13px;overflow-wrap:anywhere}
main{padding:16px 24px 48px;max-width:1600px}
h2{font-size:17px;margin:28px 0 10px}
.cards{display:flex;gap:10px;flex-wrap:wrap}
.card{border:1px solid var(--line);border-left:6px solid var(--c);background:#fff;border-radius:6px;padding:8px 14px;min-width:120px;text-align:left;cursor:pointer;font:inherit;color:inherit}
.card b{display:block;font-size:24px;line-height:1.1}
.card span{color:var(--muted);text-transform:uppercase;font-size:11px;letter-spacing:.05em}
.card.critical{--c:var(--crit)}.card.high{--c:var(--high)}.card.medium{--c:var(--med)}.card.low{--c:var(--low)}.card.info{--c:var(--info)}
.notice{overflow-wrap:anywhere;background:#fff4e5;border:1px solid #f0c36d;border-radius:6px;padding:8px 12px;margin:12px 0}
.sev{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;font-size:11px;font-weight:600;text-transform:uppercase}
.sev.critical{background:var(--crit)}.sev.high{background:var(--high)}.sev.medium{background:var(--med)}.sev.low{background:var(--low)}.sev.info{background:var(--info)}
.filters{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin-bottom:8px}
.filters select,.filters input{font:inherit;padding:4px 6px;border:1px solid #b8c0cc;border-radius:4px;background:#fff}
.filters input{min-width:260px}
#f-count{color:var(--muted)}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line)}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{background:#eef1f5;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
tr[hidden]{display:none}
td.rule,td.res{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
td.rule{word-break:normal;white-space:nowrap}
td.msg b{display:block}
td.msg p{margin:2px 0 0;color:#2d3748}
td.msg details{color:var(--muted);font-size:12px}
.where{color:var(--muted);font-size:12px;white-space:nowrap}
details.topo-box{background:#fff;border:1px solid var(--line);border-radius:6px;margin:0 0 12px;padding:0}
details.topo-box>summary{cursor:pointer;padding:8px 12px;font-weight:600;overflow-wrap:anywhere}
details.topo-box>summary small{font-weight:400;color:var(--muted);margin-left:8px}
details.topo-box.has-broken>summary::before{content:"broken";background:var(--crit);color:#fff;border-radius:3px;padding:0 6px;margin-right:8px;font-size:11px;text-transform:uppercase}
.graph{overflow:auto;padding:4px 12px 8px;max-width:100%}
.graph svg.topo{max-width:none}
.graph.fit svg.topo{max-width:100%;height:auto}
.zoom{display:flex;gap:4px;align-items:center;margin:0 12px;font-size:12px;color:var(--muted)}
.zoom button{font:inherit;padding:1px 8px;border:1px solid #b8c0cc;border-radius:4px;background:#fff;cursor:pointer;color:var(--fg)}
.zoom button[aria-pressed="true"]{background:#1f2933;border-color:#1f2933;color:#fff}
.zoom .zoom-level{min-width:3.5em;margin-left:4px}
details.members{margin:0 12px 8px;font-size:13px}
details.members>summary{cursor:pointer;color:var(--muted)}
details.members ul{margin:4px 0;padding-left:18px;columns:2 320px}
details.members li{break-inside:avoid;overflow-wrap:anywhere}
.omitted ul{max-height:320px;overflow:auto;margin:6px 0 0;padding-left:18px;font-size:13px}
.omitted li{overflow-wrap:anywhere}
.placed{margin:0 12px 10px;padding-left:18px;font-size:13px}
.placed li{margin:2px 0;overflow-wrap:anywhere}
svg.topo{display:block;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
svg.topo .node rect{fill:#fff;stroke:#7b8794;stroke-width:1.2}
svg.topo .node .t{font-size:12px;font-weight:600;fill:#1a202c}
svg.topo .node .s{font-size:10.5px;fill:#52606d}
svg.topo .k-api rect,svg.topo .k-integration rect{fill:#eef4ff;stroke:#4c6ef5}
svg.topo .k-link rect,svg.topo .k-gateway rect{fill:#f3f0ff;stroke:#7048e8}
svg.topo .k-subnet rect,svg.topo .k-vswitch rect{fill:#f8f9fa}
svg.topo .k-sg rect{fill:#fff9db;stroke:#c9a227}
svg.topo .k-lb rect,svg.topo .k-listener rect,svg.topo .k-cloudmap rect,svg.topo .k-vpcaccess rect,svg.topo .k-group rect{fill:#e6fcf5;stroke:#0ca678}
svg.topo .k-tg rect,svg.topo .k-target rect,svg.topo .k-backend rect{fill:#fff4e6;stroke:#e8590c}
svg.topo .node.collapsed rect{stroke-width:2.4;stroke-dasharray:8 2}
svg.topo .node.missing rect{fill:#fff5f5;stroke:var(--crit);stroke-dasharray:5 3}
svg.topo .node.hit rect{stroke:var(--crit);stroke-width:2.2}
svg.topo .edge path{fill:none;stroke:var(--ok);stroke-width:1.5}
svg.topo .edge.broken path{stroke:var(--crit);stroke-width:3}
svg.topo .edge.warn path{stroke:var(--med);stroke-width:2.4;stroke-dasharray:6 3}
svg.topo .elabel rect{fill:#fff;stroke:var(--crit);stroke-width:1.2}
svg.topo .elabel.warn rect{stroke:var(--med)}
svg.topo .elabel text{font-size:10.5px;fill:#1a202c}
svg.topo .elabel text.rule{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-weight:700;fill:var(--crit)}
svg.topo .elabel.warn text.rule{fill:#8a5a00}
.legend{display:flex;flex-wrap:wrap;gap:16px;color:var(--muted);font-size:12px;margin:0 0 10px;align-items:center}
.legend i{display:inline-block;width:28px;height:0;border-top:3px solid var(--crit);vertical-align:middle;margin-right:4px}
.legend i.w{border-top:3px dashed var(--med)}.legend i.o{border-top:2px solid var(--ok)}
footer{color:var(--muted);font-size:12px;margin-top:24px}
`;

const SCRIPT = `(function(){
var rows=Array.prototype.slice.call(document.querySelectorAll('#findings tbody tr'));
var ids=['severity','rule','provider','account'];
var el={};ids.forEach(function(k){el[k]=document.getElementById('f-'+k);});
var q=document.getElementById('f-q'),count=document.getElementById('f-count');
function apply(){
 var v={};ids.forEach(function(k){v[k]=el[k].value;});
 var s=q.value.trim().toLowerCase(),n=0;
 for(var i=0;i<rows.length;i++){
  var d=rows[i].dataset,ok=true;
  for(var j=0;j<ids.length&&ok;j++){var k=ids[j];if(v[k]&&d[k]!==v[k])ok=false;}
  if(ok&&s&&d.text.indexOf(s)===-1)ok=false;
  rows[i].hidden=!ok;if(ok)n++;
 }
 count.textContent=n+' of '+rows.length+' shown';
}
ids.forEach(function(k){el[k].addEventListener('change',apply);});
q.addEventListener('input',apply);
Array.prototype.forEach.call(document.querySelectorAll('button.card'),function(b){
 b.addEventListener('click',function(){el.severity.value=el.severity.value===b.dataset.severity?'':b.dataset.severity;apply();document.getElementById('findings-h').scrollIntoView();});
});
apply();
Array.prototype.forEach.call(document.querySelectorAll('details.topo-box'),function(box){
 var g=box.querySelector('.graph'),svg=g&&g.querySelector('svg.topo'),lab=box.querySelector('.zoom-level');
 if(!svg)return;
 var w=+svg.getAttribute('width'),h=+svg.getAttribute('height'),z=0;
 var btn={};Array.prototype.forEach.call(box.querySelectorAll('.zoom button'),function(b){btn[b.dataset.zoom]=b;});
 function scale(){var r=svg.getBoundingClientRect().width;return r>0&&w>0?r/w:0;}
 function show(){var s=scale();if(s>0)lab.textContent=Math.round(s*100)+'%';btn.fit.setAttribute('aria-pressed',String(z===0));btn.one.setAttribute('aria-pressed',String(z===1));}
 function set(v){z=v;if(v===0){g.classList.add('fit');svg.style.width='';svg.style.height='';}else{g.classList.remove('fit');svg.style.width=Math.round(w*v)+'px';svg.style.height=Math.round(h*v)+'px';}show();}
 btn.fit.addEventListener('click',function(){set(0);});
 btn.one.addEventListener('click',function(){set(1);});
 btn['in'].addEventListener('click',function(){set(Math.min(4,(z||scale()||1)*1.25));});
 btn.out.addEventListener('click',function(){set(Math.max(0.1,(z||scale()||1)/1.25));});
 box.addEventListener('toggle',show);
 window.addEventListener('resize',show);
 show();
});
})();`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

function options(values: string[], all: string): string {
  return [`<option value="">${esc(all)}</option>`, ...values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`)].join('');
}

function searchText(f: Finding): string {
  const refs = [f.resource, ...f.related].flatMap((r) => [r.id, r.arn ?? '', r.name ?? '']);
  return [f.ruleId, f.severity, f.title, f.message, f.provider, f.account, f.region, f.resource.type, ...refs].join(' ').toLowerCase();
}

function findingRow(f: Finding): string {
  const res = f.resource;
  const name = res.name && res.name !== res.id ? ` (${res.name})` : '';
  return (
    `<tr data-severity="${esc(f.severity)}" data-rule="${esc(f.ruleId)}" data-provider="${esc(f.provider)}" data-account="${esc(f.account)}" data-text="${esc(searchText(f))}">` +
    `<td><span class="sev ${esc(f.severity)}">${esc(f.severity)}</span>${f.status ? `<div class="where">${esc(f.status)}</div>` : ''}</td>` +
    `<td class="rule">${esc(f.ruleId)}</td>` +
    `<td class="msg"><b>${esc(f.title)}</b><p>${esc(f.message)}</p><details><summary>fix</summary>${esc(f.remediation)}</details></td>` +
    `<td class="res">${esc(res.type)}<br>${esc(res.id)}${esc(name)}</td>` +
    `<td class="where">${esc(f.provider)}<br>${esc(f.account)}<br>${esc(f.region)}</td></tr>`
  );
}

/** Members listed under the graph for one collapsed node (the rest are counted). */
const MEMBER_LIST_MAX = 500;

function membersList(n: TopoNode): string {
  const members = n.members ?? [];
  const items = members
    .slice(0, MEMBER_LIST_MAX)
    .map((m) => `<li><code>${esc(m.id)}</code> ${esc(m.title)}${m.sub ? ` · ${esc(m.sub)}` : ''}${m.missing ? ' · <b>not found</b>' : ''}</li>`);
  if (members.length > MEMBER_LIST_MAX) items.push(`<li>… and ${members.length - MEMBER_LIST_MAX} more</li>`);
  return `<details class="members" data-node="${esc(n.key)}"><summary>${esc(n.title)} (drawn as one node)</summary><ul>${items.join('')}</ul></details>`;
}

const ZOOM =
  `<div class="zoom" role="group" aria-label="zoom">zoom <button type="button" data-zoom="fit" aria-pressed="true" title="scale the graph to the page width">fit width</button>` +
  `<button type="button" data-zoom="out" title="zoom out" aria-label="zoom out">−</button><button type="button" data-zoom="in" title="zoom in" aria-label="zoom in">+</button>` +
  `<button type="button" data-zoom="one" aria-pressed="false" title="actual size; scroll inside the box">100%</button><span class="zoom-level"></span></div>`;

function topologySection(t: Topology): string {
  const marks = t.edges.flatMap((e) => e.marks);
  const broken = marks.some((m) => isBroken(m.severity));
  const rules = [...new Set(marks.map((m) => m.ruleId))];
  const list = [
    ...t.placed.map((f) => `<li><span class="sev ${esc(f.severity)}">${esc(f.severity)}</span> <code>${esc(f.ruleId)}</code> ${esc(clip(f.message, 300))}</li>`),
    ...t.notDrawn.map((f) => `<li><span class="sev ${esc(f.severity)}">${esc(f.severity)}</span> <code>${esc(f.ruleId)}</code> (not drawn on the graph) ${esc(clip(f.message, 300))}</li>`),
  ];
  return (
    `<details class="topo-box${broken ? ' has-broken' : ''}" data-topology="${esc(t.id)}"${marks.length > 0 ? ' open' : ''}>` +
    `<summary>${esc(t.title)}<small>${esc(t.subtitle)}${rules.length > 0 ? ` · ${esc(rules.join(', '))}` : ''}</small></summary>` +
    ZOOM +
    `<div class="graph fit">${renderTopologySvg(t)}</div>` +
    t.nodes.filter((n) => n.members).map(membersList).join('') +
    (list.length > 0 ? `<ul class="placed">${list.join('')}</ul>` : '') +
    `</details>`
  );
}

function worstMark(t: Topology): Severity | undefined {
  let worst: Severity | undefined;
  for (const e of t.edges) for (const m of e.marks) if (worst === undefined || SEVERITIES.indexOf(m.severity) < SEVERITIES.indexOf(worst)) worst = m.severity;
  return worst;
}

/** Integrations left out of the drawing: how many, which, and how to see them. */
function omittedNotice(omitted: Topology[], total: number, maxGraphs: number): string {
  if (omitted.length === 0) return '';
  const n = (x: number) => x.toLocaleString('en-US');
  const withFindings = omitted.filter((t) => worstMark(t) !== undefined).length;
  const items = omitted
    .slice(0, OMITTED_LIST_MAX)
    .map((t) => {
      const w = worstMark(t);
      return `<li>${w ? `<span class="sev ${w}">${w}</span> ` : ''}${esc(t.title)} <span class="where">${esc(t.subtitle)}</span></li>`;
    });
  if (omitted.length > OMITTED_LIST_MAX) items.push(`<li>… and ${n(omitted.length - OMITTED_LIST_MAX)} more</li>`);
  return (
    `<div class="notice omitted" id="omitted"><b>${n(omitted.length)} of ${n(total)} integrations are not drawn</b> (at most ${n(maxGraphs)} graphs per report; ` +
    `broken paths come first, by severity). Of those left out, ${n(withFindings)} have findings on their path and ${n(omitted.length - withFindings)} have none. ` +
    `Every finding is still in the <a href="#findings-h">findings table</a>. To draw the others, narrow the audit: one region or account per report ` +
    `(<code>scan --region R</code>, a snapshot of one region from <code>apigw-audit collect --region R --out FILE</code>, or <code>targets</code> in the configuration); ` +
    `<code>--rule ID</code> limits the findings to those rules, so the paths they break are the ones drawn first.` +
    `<details><summary>integrations not drawn</summary><ul>${items.join('')}</ul></details></div>`
  );
}

/** The report page for a findings document and the inventories it was evaluated on. */
export function renderHtmlReport(doc: FindingsDocument, inventories: readonly InventoryData[], opts: HtmlReportOptions = {}): string {
  const maxGraphs = opts.maxGraphs ?? 300;
  const topologies = buildTopologies(doc.findings, inventories);
  const shown = topologies.slice(0, maxGraphs);
  const findings = [...doc.findings].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  const incomplete = doc.scan.coverage.filter((c) => c.status === 'error');
  const targets = doc.scan.targets.map((t) => `${t.provider} ${t.account} ${t.region}`).join(', ');

  const cards = SEVERITIES.map(
    (s) => `<button type="button" class="card ${s}" data-severity="${s}" title="show only ${s} findings"><b>${doc.summary[s] ?? 0}</b><span>${s}</span></button>`,
  ).join('');

  const body = [
    `<header><h1>API Gateway private integrations — audit report</h1>`,
    `<p>${esc(doc.tool.name)} ${esc(doc.tool.version)} · scan ${esc(doc.scan.id)} · ${esc(doc.scan.startedAt)} · ${esc(targets)}</p></header>`,
    `<main>`,
    `<h2>Summary</h2><div class="cards">${cards}</div>`,
    incomplete.length > 0
      ? `<div class="notice"><b>The audit is incomplete:</b> ${incomplete.length} operation(s) failed (${esc(clip(incomplete.map((c) => `${c.provider} ${c.region} ${c.operation}`).join(', '), 400))}); ${doc.scan.notEvaluated.length} path(s) were not evaluated.</div>`
      : '',
    `<h2>Private integrations (${topologies.length})</h2>`,
    omittedNotice(topologies.slice(shown.length), topologies.length, maxGraphs),
    `<div class="legend"><span><i></i>broken hop (critical/high finding)</span><span><i class="w"></i>warning (medium and below)</span><span><i class="o"></i>no finding</span><span>dashed box: named but not found</span></div>`,
    shown.length > 0 ? shown.map(topologySection).join('\n') : '<p>No private integration in the audited estate.</p>',
    topologies.length > shown.length ? `<p class="notice">${(topologies.length - shown.length).toLocaleString('en-US')} more integration(s) not drawn: see <a href="#omitted">above</a>.</p>` : '',
    `<h2 id="findings-h">Findings (${findings.length})</h2>`,
    `<div class="filters">`,
    `<select id="f-severity" aria-label="severity">${options([...SEVERITIES], 'all severities')}</select>`,
    `<select id="f-rule" aria-label="rule">${options(uniq(findings.map((f) => f.ruleId)), 'all rules')}</select>`,
    `<select id="f-provider" aria-label="provider">${options(uniq(findings.map((f) => f.provider)), 'all providers')}</select>`,
    `<select id="f-account" aria-label="account">${options(uniq(findings.map((f) => f.account)), 'all accounts')}</select>`,
    `<input id="f-q" type="search" placeholder="search id, name, message…" aria-label="search">`,
    `<span id="f-count">${findings.length} of ${findings.length} shown</span></div>`,
    `<table id="findings"><thead><tr><th>severity</th><th>rule</th><th>finding</th><th>resource</th><th>where</th></tr></thead><tbody>`,
    findings.map(findingRow).join('\n'),
    `</tbody></table>`,
    `<footer>Generated ${esc(doc.scan.finishedAt)}. Self-contained: this page loads nothing from the network.</footer>`,
    `</main>`,
  ].join('\n');

  const svgDefs =
    `<svg width="0" height="0" aria-hidden="true" focusable="false"><defs>` +
    [
      ['ok', '#8a94a6'],
      ['broken', '#b3261e'],
      ['warn', '#b7791f'],
    ]
      .map(([k, c]) => `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`)
      .join('') +
    `</defs></svg>`;

  const csp = `default-src 'none'; style-src ${sha256(STYLE)}; script-src ${sha256(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    // Our own constant text (hashes are base64): no escaping needed, and none wanted in a CSP.
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${esc(`apigw-private-auditor report — ${doc.scan.startedAt}`)}</title>` +
    `<style>${STYLE}</style></head>\n<body>${svgDefs}\n${body}\n<script>${SCRIPT}</script>\n</body></html>\n`
  );
}
