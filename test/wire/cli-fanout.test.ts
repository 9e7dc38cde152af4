/**
 * The CLI auditing an organisation: Organizations ListAccounts → one job per (member, Region) →
 * AssumeRole into each member → collect → one evaluation, against the loopback fleet fake.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../bin/cli';
import type { FindingsDocument } from '../../lib/findings/types';
import { startFakeAwsFleet, type FakeAwsFleet, type FakeAwsFleetOptions } from '../fakes/aws/fleet';
import { DUMMY_SECRET, setAwsEnv } from '../helpers/aws-env';
import { captureIo } from '../helpers/cli-io';
import { exampleAwsEstate } from '../helpers/example-estate';
import { rehomed } from '../helpers/fleet-estates';

/** The example estate (it has broken paths, so findings) in another account and Region. */
const estateFor = (account: string, region: string) => rehomed(exampleAwsEstate(), account, region);

const dir = mkdtempSync(join(tmpdir(), 'apigw-fanout-'));
const MANAGEMENT = '100000000000';
const [PROD, DEV, OLD, LOCKED] = ['111111111111', '222222222222', '333333333333', '444444444444'];
const REGIONS = ['us-east-1', 'eu-west-1'];

let fake: FakeAwsFleet | undefined;
let restoreEnv: (() => void) | undefined;

async function startFleet(options: Partial<FakeAwsFleetOptions> = {}): Promise<FakeAwsFleet> {
  fake = await startFakeAwsFleet({
    // PROD has its estate in both Regions, DEV in one (eu-west-1 is empty there), LOCKED in one.
    estates: [estateFor(PROD, 'us-east-1'), estateFor(PROD, 'eu-west-1'), estateFor(DEV, 'us-east-1'), estateFor(LOCKED, 'us-east-1')],
    callerAccount: MANAGEMENT,
    organization: {
      managementAccount: MANAGEMENT,
      accounts: [
        { id: PROD, name: 'prod' },
        { id: DEV, name: 'dev' },
        { id: OLD, name: 'old', state: 'SUSPENDED' },
        { id: LOCKED, name: 'locked' },
      ],
    },
    latencyMs: 1,
    ...options,
  });
  restoreEnv = setAwsEnv({ AWS_ENDPOINT_URL: fake.url, AWS_MAX_ATTEMPTS: '2' });
  return fake;
}

afterEach(async () => {
  restoreEnv?.();
  restoreEnv = undefined;
  await fake?.close();
  fake = undefined;
});

function configFile(name: string, extra: Record<string, unknown> = {}): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ targets: [{ provider: 'aws', regions: REGIONS, organization: { roleName: 'ApigwAuditorRead' } }], ...extra }));
  return file;
}

const byTarget = (doc: FindingsDocument) => doc.scan.targets.map((t) => `${t.account} ${t.region}`).sort();

describe('apigw-audit scan over an AWS organisation', () => {
  it('audits every active member in every Region through its role; a suspended member is skipped, a refused role is AUDIT-INCOMPLETE (exit 3)', async () => {
    await startFleet({ deniedAssume: [LOCKED] });
    const io = captureIo();
    const code = await main(['scan', '--provider', 'aws', '--config', configFile('org.json'), '--format', 'json', '--concurrency', '3'], io);
    expect(code).toBe(3);
    const doc = JSON.parse(io.out()) as FindingsDocument;
    expect(byTarget(doc)).toEqual([`${PROD} eu-west-1`, `${PROD} us-east-1`, `${DEV} eu-west-1`, `${DEV} us-east-1`].sort());
    // The same estate in PROD and DEV us-east-1 gives the same rules, under each account.
    const rulesOf = (account: string, region: string) => doc.findings.filter((f) => f.account === account && f.region === region).map((f) => f.ruleId).sort();
    expect(rulesOf(PROD, 'us-east-1').length).toBeGreaterThan(0);
    expect(rulesOf(DEV, 'us-east-1')).toEqual(rulesOf(PROD, 'us-east-1'));
    expect(rulesOf(DEV, 'eu-west-1')).toEqual([]);
    // The refused role: one AUDIT-INCOMPLETE per Region, naming sts:AssumeRole; nothing else about that account.
    const locked = doc.findings.filter((f) => f.account === LOCKED);
    expect(locked.map((f) => `${f.ruleId} ${f.region} ${f.resource.id}`).sort()).toEqual([
      `AUDIT-INCOMPLETE eu-west-1 sts:AssumeRole`,
      `AUDIT-INCOMPLETE us-east-1 sts:AssumeRole`,
    ]);
    expect(doc.findings.some((f) => f.account === OLD)).toBe(false);
    expect(io.err()).toContain(`skipped aws account ${OLD}: status SUSPENDED`);
    expect(io.err()).toMatch(new RegExp(`not audited: aws ${LOCKED} us-east-1: sts:AssumeRole: AccessDenied`));
    expect(io.err() + io.out()).not.toContain(DUMMY_SECRET);
    // Each member was assumed once per Region (credentials shared by the job's clients), the suspended one never.
    expect(fake!.assumedByAccount[PROD]).toBe(2);
    expect(fake!.assumedByAccount[OLD] ?? 0).toBe(0);
  });

  it('with a state store: a second scan sends nothing new, and a member whose role is refused later keeps its findings open (never resolved)', async () => {
    const state = join(dir, 'state.json');
    const config = configFile('org-state.json', { state: { type: 'file', path: state } });
    await startFleet();
    const first = captureIo();
    expect(await main(['scan', '--provider', 'aws', '--config', config, '--format', 'json'], first)).toBe(1);
    const firstDoc = JSON.parse(first.out()) as FindingsDocument;
    const lockedFindings = firstDoc.findings.filter((f) => f.account === LOCKED);
    expect(lockedFindings.length).toBeGreaterThan(0);
    expect(firstDoc.findings.every((f) => f.status === 'new')).toBe(true);
    await fake!.close();
    restoreEnv?.();

    await startFleet({ deniedAssume: [LOCKED] });
    const second = captureIo();
    expect(await main(['scan', '--provider', 'aws', '--config', config, '--format', 'json'], second)).toBe(3);
    const secondDoc = JSON.parse(second.out()) as FindingsDocument;
    expect(secondDoc.findings.filter((f) => f.status === 'new')).toEqual([]);
    expect(secondDoc.findings.filter((f) => f.status === 'resolved')).toEqual([]);
    // Earlier findings of the unreadable account are neither re-reported as resolved nor lost from state.
    await fake!.close();
    restoreEnv?.();
    await startFleet();
    const third = captureIo();
    expect(await main(['scan', '--provider', 'aws', '--config', config, '--format', 'json'], third)).toBe(1);
    const thirdDoc = JSON.parse(third.out()) as FindingsDocument;
    const lockedAgain = thirdDoc.findings.filter((f) => f.account === LOCKED);
    expect(lockedAgain.map((f) => f.fingerprint).sort()).toEqual(lockedFindings.map((f) => f.fingerprint).sort());
    expect(lockedAgain.every((f) => f.status === 'open')).toBe(true);
  });

  it('Organizations refused (not the management account): one clear line, exit 2, nothing on stdout', async () => {
    await startFleet({ callerAccount: PROD });
    const io = captureIo();
    expect(await main(['scan', '--provider', 'aws', '--config', configFile('org2.json'), '--format', 'json'], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(io.err()).toMatch(/cannot list the accounts to audit: organizations:ListAccounts failed \(AccessDeniedException/);
  });

  it('--concurrency is validated', async () => {
    const io = captureIo();
    expect(await main(['scan', '--provider', 'aws', '--region', 'us-east-1', '--concurrency', '0'], io)).toBe(2);
    expect(io.err()).toContain('--concurrency: "0" is not a whole number from 1 to 64');
  });
});
