import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../bin/cli';
import { buildSnapshot } from '../../lib/inventory/snapshot';
import { AwsOp } from '../../lib/inventory/aws-operations';
import { failOperation, healthyAwsEstate } from '../helpers/aws-estate';
import { captureIo } from '../helpers/cli-io';
import { exampleAwsEstate } from '../helpers/example-estate';

const dir = mkdtempSync(join(tmpdir(), 'apigw-cli-'));
const tool = { name: 'apigw-private-auditor', version: '0.0.0' };

function snapshotFile(name: string, estate = healthyAwsEstate()): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(buildSnapshot([estate], tool, estate.collectedAt)));
  return file;
}

describe('apigw-audit CLI', () => {
  it('explain prints the rule with its source and fix', async () => {
    const io = captureIo();
    expect(await main(['explain', 'AWS-VPCLINK-INACTIVE'], io)).toBe(0);
    expect(io.out()).toContain('AWS-VPCLINK-INACTIVE');
    expect(io.out()).toContain('https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vpc-links.html');
    expect(io.out()).toContain('How to fix:');
    expect(io.err()).toBe('');
  });

  it('explain of an unknown rule is a usage error with nothing on stdout', async () => {
    const io = captureIo();
    expect(await main(['explain', 'AWS-NOPE'], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/^apigw-audit: explain: unknown rule id "AWS-NOPE"/);
    expect(io.err().trim().split('\n')).toHaveLength(1);
  });

  it('rules lists the catalogue, as text and as JSON', async () => {
    const text = captureIo();
    expect(await main(['rules'], text)).toBe(0);
    expect(text.out()).toContain('AWS-SG-BACKEND-INGRESS-BLOCKED');
    const json = captureIo();
    expect(await main(['rules', '--format', 'json'], json)).toBe(0);
    const metas = JSON.parse(json.out()) as Array<{ id: string; source: string[]; kind: string }>;
    expect(metas.filter((m) => m.kind === 'rule').length).toBe(42);
    expect(metas.filter((m) => m.kind === 'preflight').map((m) => m.id)).toEqual(['ALI-PREFLIGHT-VPC', 'ALI-PREFLIGHT-CIDR', 'ALI-PREFLIGHT-SG', 'ALI-PREFLIGHT-EGRESS']);
    expect(metas.every((m) => m.source.length > 0)).toBe(true);
  });

  it('scan --snapshot of a healthy estate exits 0 with an empty findings document', async () => {
    const io = captureIo();
    expect(await main(['scan', '--snapshot', snapshotFile('healthy.json')], io)).toBe(0);
    const doc = JSON.parse(io.out());
    expect(doc.schemaVersion).toBe('1');
    expect(doc.tool.name).toBe('apigw-private-auditor');
    expect(doc.findings).toEqual([]);
    expect(doc.scan.targets).toEqual([{ provider: 'aws', account: '123456789012', region: 'us-east-1' }]);
    expect(doc.summary).toEqual({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });
  });

  it('exits 1 on findings at or above --fail-on and 0 below it', async () => {
    const file = snapshotFile('example.json', exampleAwsEstate());
    expect(await main(['scan', '--snapshot', file], captureIo())).toBe(1);
    expect(await main(['scan', '--snapshot', file, '--fail-on', 'none'], captureIo())).toBe(0);
    const onlyLow = await main(['scan', '--snapshot', file, '--rule', 'AWS-VPCLINK-UNUSED', '--fail-on', 'medium'], captureIo());
    expect(onlyLow).toBe(0);
  });

  it('exits 3 when the audit is incomplete, still printing the findings', async () => {
    const estate = failOperation(healthyAwsEstate(), AwsOp.DescribeTargetHealth, 'Throttling: Rate exceeded');
    const io = captureIo();
    expect(await main(['scan', '--snapshot', snapshotFile('incomplete.json', estate)], io)).toBe(3);
    const doc = JSON.parse(io.out());
    expect(doc.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('AUDIT-INCOMPLETE');
    expect(doc.scan.notEvaluated.length).toBeGreaterThan(0);
    expect(io.err()).toContain('elasticloadbalancing:DescribeTargetHealth');
  });

  it('writes --output atomically and prints nothing on stdout', async () => {
    const io = captureIo();
    const out = join(dir, 'findings.json');
    expect(await main(['scan', '--snapshot', snapshotFile('h2.json'), '--output', out], io)).toBe(0);
    expect(io.out()).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).findings).toEqual([]);
    const bad = await main(['scan', '--snapshot', snapshotFile('h3.json'), '--output', join(dir, 'no/such/dir/f.json')], io);
    expect(bad).toBe(2);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it.each([
    [['scan', '--provider', 'gcp', '--region', 'x'], /--provider: "gcp" is not one of aws, alibaba/],
    [['scan', '--provider', 'aws', '--region', 'moon-1'], /--region: "moon-1" is not an AWS region name/],
    [['scan', '--provider', 'aws'], /--region is required/],
    [['scan', '--snapshot', '/nonexistent/s.json'], /\/nonexistent\/s\.json: cannot read snapshot/],
    [['scan', '--snapshot', 'x.json', '--format', 'xml'], /--format: "xml" is not one of table, json, ocsf, asff/],
    [['scan', '--snapshot', 'x.json', '--fail-on', 'severe'], /--fail-on: "severe"/],
    [['scan', '--snapshot', 'x.json', '--skip-rule', 'AWS-TYPO'], /unknown rule id "AWS-TYPO"/],
    [['scan', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['collect', '--provider', 'aws', '--region', 'us-east-1'], /collect needs --out FILE/],
  ])('rejects %j with one line on stderr and exit 2', async (argv, pattern) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(pattern);
    expect(io.err().trim().split('\n')).toHaveLength(1);
  });

  it('rejects a snapshot of the wrong version', async () => {
    const file = join(dir, 'v9.json');
    writeFileSync(file, JSON.stringify({ snapshotVersion: 9, inventories: [] }));
    const io = captureIo();
    expect(await main(['scan', '--snapshot', file], io)).toBe(2);
    expect(io.err()).toContain('snapshotVersion 9 is not supported');
    expect(io.out()).toBe('');
  });

  it('writes OCSF and ASFF; ASFF says on stderr which Alibaba findings it left out', async () => {
    const file = snapshotFile('ex3.json', exampleAwsEstate());
    const ocsf = captureIo();
    await main(['scan', '--snapshot', file, '--format', 'ocsf', '--fail-on', 'none'], ocsf);
    const events = JSON.parse(ocsf.out()) as Array<{ class_uid: number }>;
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.class_uid === 2003)).toBe(true);
    const asff = captureIo();
    const both = [file, join(__dirname, '../../examples/alibaba-snapshot.json')];
    await main(['scan', '--snapshot', both[0]!, '--snapshot', both[1]!, '--format', 'asff', '--fail-on', 'none'], asff);
    const { Findings } = JSON.parse(asff.out()) as { Findings: Array<{ AwsAccountId: string }> };
    expect(Findings.length).toBeGreaterThan(0);
    expect(Findings.every((f) => f.AwsAccountId === '123456789012')).toBe(true);
    expect(asff.err()).toMatch(/Alibaba/);
  });

  it('prints a table on a terminal, without colour when NO_COLOR is set', async () => {
    const io = captureIo({ NO_COLOR: '1' }, true);
    await main(['scan', '--snapshot', snapshotFile('ex2.json', exampleAwsEstate()), '--fail-on', 'none', '--quiet'], io);
    expect(io.out()).toContain('CRITICAL');
    expect(io.out()).toContain('AWS-SG-BACKEND-INGRESS-BLOCKED');
    expect(io.out()).not.toContain('\x1b[');
    for (const line of io.out().split('\n')) if (!/\S{90,}/.test(line)) expect(line.length).toBeLessThanOrEqual(100);
  });
});
