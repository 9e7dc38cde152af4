import type { AlibabaInventoryData } from '../../lib/inventory/model';
import { ALI_ACCOUNT, ALI_REGION, healthyAlibabaEstate } from './alibaba-estate';

/**
 * Estates for the fleet fake: `healthyAlibabaEstate()` moved to another account and region (every
 * occurrence of the account id and region in ids, zones and domains rewritten), with the gateway
 * instance's name carrying both so that an answer from the wrong (account, region) cannot pass.
 */
export function memberEstate(account: string, region: string): AlibabaInventoryData {
  const text = JSON.stringify(healthyAlibabaEstate()).split(ALI_ACCOUNT).join(account).split(ALI_REGION).join(region);
  const estate = JSON.parse(text) as AlibabaInventoryData;
  estate.gatewayInstances[0]!.name = `orders-vpc-gateway-${account}-${region}`;
  return estate;
}

/** A 16-digit account uid, distinct per `n`. */
export function memberAccountId(n: number): string {
  return `1${String(n).padStart(15, '0')}`;
}

/** One member estate per (account, region). */
export function fleetEstates(accounts: readonly string[], regions: readonly string[]): AlibabaInventoryData[] {
  return accounts.flatMap((account) => regions.map((region) => memberEstate(account, region)));
}
