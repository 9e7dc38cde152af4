import type { AlibabaRule, AwsRule, RuleMeta } from './types';
import { preflightMeta } from '../preflight/alibaba';
import { auditIncompleteMeta } from './audit-incomplete';
import { rule as vpclinkInactive } from './aws/vpclink-inactive';
import { rule as vpclinkFailed } from './aws/vpclink-failed';
import { rule as vpclinkStuck } from './aws/vpclink-stuck';
import { rule as vpclinkEniMissing } from './aws/vpclink-eni-missing';
import { rule as vpclinkDangling } from './aws/vpclink-dangling';
import { rule as vpclinkAzUnsupported } from './aws/vpclink-az-unsupported';
import { rule as vpclinkUnused } from './aws/vpclink-unused';
import { rule as vpclinkRedundant } from './aws/vpclink-redundant';
import { rule as vpclinkInboundNoop } from './aws/vpclink-inbound-noop';
import { rule as integrationLinkMissing } from './aws/integration-link-missing';
import { rule as integrationTargetMissing } from './aws/integration-target-missing';
import { rule as integrationVpcMismatch } from './aws/integration-vpc-mismatch';
import { rule as integrationLbInternetFacing } from './aws/integration-lb-internet-facing';
import { rule as integrationTlsMismatch } from './aws/integration-tls-mismatch';
import { rule as sgLinkEgressBlocked } from './aws/sg-link-egress-blocked';
import { rule as sgBackendIngressBlocked } from './aws/sg-backend-ingress-blocked';
import { rule as sgLbEgressBlocked } from './aws/sg-lb-egress-blocked';
import { rule as sgTargetIngressBlocked } from './aws/sg-target-ingress-blocked';
import { rule as targetsUnhealthy } from './aws/targets-unhealthy';
import { rule as cloudmapNoInstances } from './aws/cloudmap-no-instances';
import { rule as restlinkFailed } from './aws/restlink-failed';
import { rule as restlinkTargetNotNlb } from './aws/restlink-target-not-nlb';
import { rule as restlinkNlbMissing } from './aws/restlink-nlb-missing';
import { rule as restlinkNlbInternetFacing } from './aws/restlink-nlb-internet-facing';
import { rule as restlinkPrivatelinkEnforced } from './aws/restlink-privatelink-enforced';
import { rule as restlinkTargetIngressBlocked } from './aws/restlink-target-ingress-blocked';
import { rule as restlinkUnused } from './aws/restlink-unused';
import { rule as instanceCidrConflict } from './alibaba/instance-cidr-conflict';
import { rule as instanceEniMissing } from './alibaba/instance-eni-missing';
import { rule as vpcaccessVpcMismatch } from './alibaba/vpcaccess-vpc-mismatch';
import { rule as backendOutOfCidr } from './alibaba/backend-out-of-cidr';
import { rule as aliSgEgressBlocked } from './alibaba/sg-egress-blocked';
import { rule as aliSgBackendIngressBlocked } from './alibaba/sg-backend-ingress-blocked';
import { rule as clbCidrEgress } from './alibaba/clb-cidr-egress';
import { rule as vpcaccessTargetMissing } from './alibaba/vpcaccess-target-missing';
import { rule as apiVpcaccessMissing } from './alibaba/api-vpcaccess-missing';
import { rule as vpcaccessUnused } from './alibaba/vpcaccess-unused';
import { rule as egressChanged } from './alibaba/egress-changed';
import { rule as groupNotDedicated } from './alibaba/group-not-dedicated';
import { rule as groupVpcDomainUnbound } from './alibaba/group-vpc-domain-unbound';
import { rule as groupInternetExposed } from './alibaba/group-internet-exposed';

/** Every AWS rule, in catalogue order. */
export const awsRules: readonly AwsRule[] = [
  vpclinkInactive,
  vpclinkFailed,
  vpclinkStuck,
  vpclinkEniMissing,
  vpclinkDangling,
  vpclinkAzUnsupported,
  vpclinkUnused,
  vpclinkRedundant,
  vpclinkInboundNoop,
  integrationLinkMissing,
  integrationTargetMissing,
  integrationVpcMismatch,
  integrationLbInternetFacing,
  integrationTlsMismatch,
  sgLinkEgressBlocked,
  sgBackendIngressBlocked,
  sgLbEgressBlocked,
  sgTargetIngressBlocked,
  targetsUnhealthy,
  cloudmapNoInstances,
  restlinkFailed,
  restlinkTargetNotNlb,
  restlinkNlbMissing,
  restlinkNlbInternetFacing,
  restlinkPrivatelinkEnforced,
  restlinkTargetIngressBlocked,
  restlinkUnused,
];

/** Every Alibaba Cloud rule, in catalogue order. */
export const alibabaRules: readonly AlibabaRule[] = [
  instanceCidrConflict,
  instanceEniMissing,
  vpcaccessVpcMismatch,
  backendOutOfCidr,
  aliSgEgressBlocked,
  aliSgBackendIngressBlocked,
  clbCidrEgress,
  vpcaccessTargetMissing,
  apiVpcaccessMissing,
  vpcaccessUnused,
  egressChanged,
  groupNotDedicated,
  groupVpcDomainUnbound,
  groupInternetExposed,
];

/** Metadata of every rule, including the meta rule AUDIT-INCOMPLETE. */
export function allRuleMeta(): RuleMeta[] {
  return [...awsRules.map((r) => r.meta), ...alibabaRules.map((r) => r.meta), auditIncompleteMeta];
}

export function findRuleMeta(id: string): RuleMeta | undefined {
  const wanted = id.toUpperCase();
  return allRuleMeta().find((m) => m.id === wanted);
}

/**
 * What the catalogue (`apigw-audit rules`) lists: `rule` for the rules `scan` evaluates (findings),
 * `preflight` for the checks `apigw-audit preflight` runs (pass / fail / warn / not-evaluated).
 */
export type CatalogueKind = 'rule' | 'preflight';
export type CatalogueEntry = RuleMeta & { kind: CatalogueKind };

/** Every rule, then every pre-flight check, each with every metadata field and its `kind`. */
export function ruleCatalogue(): CatalogueEntry[] {
  return [...allRuleMeta().map((m) => ({ ...m, kind: 'rule' as const })), ...preflightMeta.map((m) => ({ ...m, kind: 'preflight' as const }))];
}

export { auditIncompleteMeta };
