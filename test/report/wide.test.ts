/**
 * Large estates in the HTML report, opened in headless Chromium:
 *  - a wide topology (a VPC link V2 with 50 ENIs in 11 subnets, a target group with 30 targets):
 *    no graph makes the page scroll sideways, fan-outs are collapsed into nodes that list their
 *    members, the broken hops stay red and labelled, and the zoom control works;
 *  - the example report at a laptop width, same check;
 *  - 1,000 integrations: exactly 300 graphs, a note with the number left out, size and time printed.
 * Needs /usr/bin/chromium (like report.test.ts: fails, never skips, without it).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { main } from '../../bin/cli';
import { buildFindingsDocument } from '../../lib/findings/document';
import { evaluate } from '../../lib/findings/engine';
import type { AwsInventoryData, InventoryData } from '../../lib/inventory/model';
import { buildTopologies, renderHtmlReport } from '../../lib/report';
import { syntheticAwsEstate } from '../bench/synthetic-aws';
import { ALB_TG_ARN } from '../helpers/aws-estate';
import { captureIo } from '../helpers/cli-io';
import { exampleAwsEstate } from '../helpers/example-estate';

const CHROMIUM = '/usr/bin/chromium';
const root = join(__dirname, '../..');
const artifacts = join(root, 'test-artifacts');
const examples = [join(root, 'examples/aws-snapshot.json'), join(root, 'examples/alibaba-snapshot.json')];

jest.setTimeout(180_000);

function report(estates: InventoryData[]): string {
  const { findings, notEvaluated } = evaluate(estates);
  const targets = estates.map((e) => ({ provider: e.provider, account: e.account, region: e.region }));
  const at = estates[0]!.collectedAt;
  const doc = buildFindingsDocument({ scanId: 's', startedAt: at, finishedAt: at, targets, coverage: [], findings, notEvaluated });
  return renderHtmlReport(doc, estates);
}

/**
 * The example AWS estate with a wide VPC link and target group: vl2abc spans 11 subnets, 10 of them
 * with 5 ENIs each and one (subnet-w10) with none (AWS-VPCLINK-ENI-MISSING, a broken hop); app-tg has
 * 30 targets, 29 behind sg-app and i-w29 behind sg-closed, which does not admit the ALB (broken).
 */
function wideEstate(): AwsInventoryData {
  const estate = exampleAwsEstate();
  const link = estate.vpcLinksV2.find((l) => l.id === 'vl2abc')!;
  estate.networkInterfaces = estate.networkInterfaces.filter((e) => !e.id.startsWith('eni-link-'));
  link.subnetIds = [];
  for (let s = 0; s <= 10; s++) {
    const id = `subnet-w${String(s).padStart(2, '0')}`;
    const azId = s % 2 === 0 ? 'use1-az1' : 'use1-az2';
    estate.subnets.push({ id, vpcId: 'vpc-1', cidr: `10.0.${100 + s}.0/24`, ipv6Cidrs: [], availabilityZone: s % 2 === 0 ? 'us-east-1a' : 'us-east-1b', availabilityZoneId: azId });
    link.subnetIds.push(id);
    if (s === 10) continue; // no ENI here
    for (let i = 0; i < 5; i++) {
      estate.networkInterfaces.push({
        id: `eni-w${s}-${i}`,
        interfaceType: 'api_gateway_managed',
        subnetId: id,
        vpcId: 'vpc-1',
        availabilityZoneId: azId,
        privateIps: [`10.0.${100 + s}.${10 + i}`],
        ipv6Addresses: [],
        securityGroupIds: ['sg-link'],
        status: 'in-use',
      });
    }
  }
  estate.securityGroups.push({
    id: 'sg-closed',
    name: 'closed',
    vpcId: 'vpc-1',
    ownerId: estate.account,
    ingress: [],
    egress: [{ protocol: '-1', cidrs: ['0.0.0.0/0'], prefixListIds: [], groupIds: [] }],
  });
  const tg = estate.targetGroups.find((t) => t.arn === ALB_TG_ARN)!;
  tg.targets = [];
  for (let i = 0; i < 30; i++) {
    const id = `i-w${String(i).padStart(2, '0')}`;
    estate.instances.push({ id, vpcId: 'vpc-1', subnetId: 'subnet-t', privateIps: [`10.0.21.${100 + i}`], securityGroupIds: [i === 29 ? 'sg-closed' : 'sg-app'], state: 'running' });
    tg.targets.push({ id, port: 8080, availabilityZone: 'us-east-1a', healthState: i % 10 === 3 ? 'unhealthy' : 'healthy' });
  }
  return estate;
}

async function launch(dir: string, width: number): Promise<{ context: BrowserContext; page: Page; requests: string[] }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) — .ci/run does this in CI`);
  }
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width, height: 900 },
  });
  const requests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, requests };
}

/** The page does not scroll sideways, and no open graph is wider than its box. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const m = await page.evaluate(() => {
    const d = globalThis as unknown as {
      document: { scrollingElement: { scrollWidth: number }; querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { width: number }; closest(s: string): { clientWidth: number } }> };
      innerWidth: number;
    };
    const svgs = Array.from(d.document.querySelectorAll('details.topo-box[open] svg.topo'));
    return {
      scrollWidth: d.document.scrollingElement.scrollWidth,
      innerWidth: d.innerWidth,
      graphs: svgs.length,
      overflow: svgs.filter((s) => s.getBoundingClientRect().width > s.closest('.graph').clientWidth + 0.5).length,
    };
  });
  expect(m.graphs).toBeGreaterThan(0);
  expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
  expect(m.overflow).toBe(0);
}

describe('HTML report of a wide topology (50 ENIs, 30 targets)', () => {
  let dir: string;
  let context: BrowserContext;
  let page: Page;
  let requests: string[];
  const box = () => page.locator('details.topo-box[data-topology$="|a1b2c3d4e5/int0001"]');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'apigw-report-wide-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, report([wideEstate()]));
    ({ context, page, requests } = await launch(dir, 1280));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('collapses the 10 subnets with ENIs into one node that lists them; the subnet without ENI stays', async () => {
    const node = box().locator('g.node.collapsed[data-kind="subnet"]');
    expect(await node.count()).toBe(1);
    expect(await node.locator('text.t').textContent()).toBe('50 ENIs in 10 subnets');
    expect(await node.getAttribute('data-members')).toBe('10');
    const tip = (await node.locator('title').textContent()) ?? '';
    for (let s = 0; s < 10; s++) expect(tip).toContain(`subnet subnet-w0${s}`.replace('w010', 'w10'));
    const list = box().locator('details.members', { hasText: '50 ENIs in 10 subnets' });
    const items = await list.locator('li').allTextContents();
    expect(items).toHaveLength(10);
    for (let s = 0; s < 10; s++) for (let i = 0; i < 5; i++) expect(items.join('\n')).toContain(`eni-w${s}-${i}`);
    // On a broken hop: not collapsed, red, labelled.
    expect(await box().locator('g.node[data-id="subnet-w10"]').count()).toBe(1);
    const hop = box().locator('g.edge.broken[data-to="subnet:subnet-w10"]');
    expect(await hop.getAttribute('data-rules')).toContain('AWS-VPCLINK-ENI-MISSING');
  });

  it('collapses the healthy targets behind sg-app, keeps the blocked one on its own', async () => {
    const node = box().locator('g.node.collapsed[data-kind="target"]');
    expect(await node.count()).toBe(1);
    expect(await node.locator('text.t').textContent()).toBe('29 targets');
    expect(await node.locator('text.s').textContent()).toBe('26 healthy · 3 unhealthy');
    const items = await box().locator('details.members', { hasText: '29 targets' }).locator('li').allTextContents();
    expect(items).toHaveLength(29);
    expect(items.join('\n')).toContain('i-w00');
    expect(items.join('\n')).toContain('i-w28');
    expect(await box().locator('g.node.k-target:not(.collapsed)[data-id="i-w29:8080"]').count()).toBe(1);
    const blocked = box().locator('g.edge.broken[data-to="target:i-w29:8080"]');
    expect(await blocked.count()).toBe(1);
    expect(await blocked.getAttribute('data-rules')).toMatch(/AWS-SG-(TARGET-INGRESS|LB-EGRESS)-BLOCKED/);
  });

  it('keeps every red edge labelled with its rule', async () => {
    const labels = await box().locator('g.elabel.broken').allTextContents();
    const text = labels.join('\n');
    for (const id of ['AWS-SG-BACKEND-INGRESS-BLOCKED', 'AWS-VPCLINK-ENI-MISSING']) expect(text).toContain(id);
    expect(text).toMatch(/AWS-SG-(TARGET-INGRESS|LB-EGRESS)-BLOCKED/);
    const broken = await box().locator('g.edge.broken').evaluateAll((gs) => gs.map((g) => (g as unknown as { dataset: { rules?: string } }).dataset.rules ?? ''));
    expect(broken.length).toBeGreaterThan(0);
    expect(broken.every((r) => r.length > 0)).toBe(true);
  });

  it('lays the long path out top to bottom and fits every graph to the page width', async () => {
    expect(await box().locator('svg.topo').getAttribute('data-rankdir')).toBe('TB');
    await expectNoSidewaysScroll(page);
  });

  it('has a zoom control: 100% scrolls inside the graph box, fit width returns', async () => {
    const svg = box().locator('svg.topo');
    const natural = Number(await svg.getAttribute('width'));
    const fitted = (await svg.boundingBox())!.width;
    expect(fitted).toBeLessThanOrEqual(natural);
    await box().locator('.zoom button[data-zoom="one"]').click();
    expect(Math.round((await svg.boundingBox())!.width)).toBe(natural);
    expect(await box().locator('.zoom .zoom-level').textContent()).toBe('100%');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { scrollingElement: { scrollWidth: number } }; innerWidth: number }).document.scrollingElement.scrollWidth <= (globalThis as unknown as { innerWidth: number }).innerWidth)).toBe(true);
    await box().locator('.zoom button[data-zoom="out"]').click();
    expect(await box().locator('.zoom .zoom-level').textContent()).toBe('80%');
    await box().locator('.zoom button[data-zoom="fit"]').click();
    expect(Math.round((await svg.boundingBox())!.width)).toBe(Math.round(fitted));
    expect(await box().locator('.zoom button[data-zoom="fit"]').getAttribute('aria-pressed')).toBe('true');
  });

  it('saves screenshots (test-artifacts/report-wide.png: the wide graph; report-wide-page.png: the page) and fetched nothing', async () => {
    mkdirSync(artifacts, { recursive: true });
    await box().screenshot({ path: join(artifacts, 'report-wide.png') });
    await page.screenshot({ path: join(artifacts, 'report-wide-page.png'), fullPage: true });
    expect(existsSync(join(artifacts, 'report-wide.png'))).toBe(true);
    expect(requests).toEqual([]);
  });
});

describe('HTML report of the example estates at laptop widths', () => {
  it('never scrolls sideways (1280 and 1024 px)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apigw-report-ex-'));
    try {
      const file = join(dir, 'report.html');
      const io = captureIo();
      expect(await main(['scan', '--snapshot', examples[0]!, '--snapshot', examples[1]!, '--format', 'html', '--fail-on', 'none', '--output', file], io)).toBe(0);
      const { context, page } = await launch(dir, 1280);
      try {
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        await expectNoSidewaysScroll(page);
        await page.setViewportSize({ width: 1024, height: 800 });
        await expectNoSidewaysScroll(page);
      } finally {
        await context.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('HTML report of 1,000 integrations', () => {
  const estate = syntheticAwsEstate({ enis: 3_000, securityGroups: 800, rules: 6_000, loadBalancers: 120, vpcLinks: 60, integrations: 1_000 });
  let html: string;
  let ms: number;
  let topologies: number;
  let withFindings: number;

  beforeAll(() => {
    const t0 = performance.now();
    html = report([estate]);
    ms = performance.now() - t0;
    const all = buildTopologies(evaluate([estate]).findings, [estate]);
    topologies = all.length;
    withFindings = all.filter((t) => t.edges.some((e) => e.marks.length > 0)).length;
    // eslint-disable-next-line no-console
    console.log(`report of ${topologies} integrations: ${(html.length / 1024 / 1024).toFixed(2)} MiB (${html.length} bytes), evaluate + render ${Math.round(ms)} ms`);
  });

  it('draws exactly 300 graphs, broken paths first', () => {
    expect(topologies).toBe(1_000);
    const boxes = html.match(/<details class="topo-box[^"]*"/g) ?? [];
    expect(boxes).toHaveLength(300);
    expect((html.match(/<svg class="topo"/g) ?? []).length).toBe(300);
    const broken = boxes.map((b) => b.includes('has-broken'));
    // Every broken graph comes before every other one.
    expect(broken.indexOf(false) === -1 || broken.lastIndexOf(true) < broken.indexOf(false)).toBe(true);
    expect(broken.filter(Boolean).length).toBeGreaterThan(0);
    expect(withFindings).toBeGreaterThan(0);
  });

  it('says how many were left out and how to narrow the audit', () => {
    expect(html).toContain('<b>700 of 1,000 integrations are not drawn</b>');
    expect(html).toContain(`Of those left out, ${Math.max(0, withFindings - 300).toLocaleString('en-US')} have findings`);
    expect(html).toContain('--rule ID');
    expect(html).toContain('scan --region R');
    expect((html.match(/<details><summary>integrations not drawn<\/summary><ul>(.*?)<\/ul>/s)?.[1]?.match(/<li>/g) ?? []).length).toBe(700);
  });

  it('keeps every finding in the table and stays bounded in size', () => {
    const { findings } = evaluate([estate]);
    expect((html.match(/<tr data-severity=/g) ?? []).length).toBe(findings.length);
    expect(html.length).toBeLessThan(12 * 1024 * 1024);
  });
});
