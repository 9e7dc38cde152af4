/** A member of an AWS organisation or an Alibaba Cloud resource directory, as fan-out planning needs it. */
export interface MemberAccount {
  id: string;
  name?: string;
  /** The provider's own status word (`ACTIVE`, `SUSPENDED`, `CreateSuccess`, …). */
  status: string;
  /** Whether it can be audited now (AWS: ACTIVE; Alibaba: joined — CreateSuccess, InviteSuccess, PromoteSuccess). */
  active: boolean;
}
