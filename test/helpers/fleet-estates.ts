/**
 * Estates for the fleet fake (many accounts × Regions): an existing estate moved to another
 * account and Region, account ids for an organisation, and a bench-sized fleet.
 */

import type { AwsInventoryData } from '../../lib/inventory/model';
import { type SyntheticAwsSize, syntheticAwsEstate } from '../bench/synthetic-aws';
import { healthyAwsEstate } from './aws-estate';

/**
 * The estate as deployed in another account and Region: every occurrence of its account id and
 * Region name (ARNs, owner ids, availability zones, DNS names) is rewritten; resource ids stay.
 */
export function rehomed(estate: AwsInventoryData, account: string, region: string): AwsInventoryData {
  const text = JSON.stringify(estate).split(estate.account).join(account).split(estate.region).join(region);
  return JSON.parse(text) as AwsInventoryData;
}

/** healthyAwsEstate() in `account` and `region`. */
export function estateFor(account: string, region: string): AwsInventoryData {
  return rehomed(healthyAwsEstate(), account, region);
}

/** `count` twelve-digit account ids, consecutive from `first`. */
export function fleetAccountIds(count: number, first = 100_000_000_000): string[] {
  return Array.from({ length: count }, (_, i) => String(first + i));
}

/** A benchmark-sized estate: about 200 ENIs, 100 security groups and 20 VPC links. */
export const FLEET_ESTATE_SIZE: SyntheticAwsSize = {
  enis: 200,
  securityGroups: 100,
  rules: 1_000,
  loadBalancers: 10,
  vpcLinks: 20,
  integrations: 100,
};

/** One synthetic estate per (account, Region), generated once and rehomed. */
export function syntheticFleet(accounts: readonly string[], regions: readonly string[], size: SyntheticAwsSize = FLEET_ESTATE_SIZE, seed = 1): AwsInventoryData[] {
  const base = syntheticAwsEstate(size, seed);
  return accounts.flatMap((account) => regions.map((region) => rehomed(base, account, region)));
}
