/**
 * The organisation's member accounts (Organizations ListAccounts, management account or a
 * delegated administrator only). Pages of at most 20 (the documented maximum); the NextToken is
 * followed until absent, since a page may be empty while more results exist.
 */
import { ListAccountsCommand, OrganizationsClient, type Account } from '@aws-sdk/client-organizations';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { MemberAccount } from '../members';

export const ORGANIZATIONS_PAGE_SIZE = 20;

export interface ListOrganizationAccountsOptions {
  credentials?: AwsCredentialIdentityProvider;
  /** Organizations is global; its endpoint is signed for us-east-1 (aws partition). */
  region?: string;
  client?: OrganizationsClient;
}

/** The account's state: `State` where the API sends it, else the older `Status`. */
export function memberOfAccount(account: Account): MemberAccount | undefined {
  if (!account.Id || !/^\d{12}$/.test(account.Id)) return undefined;
  const status = account.State ?? account.Status ?? 'UNKNOWN';
  return { id: account.Id, ...(account.Name ? { name: account.Name } : {}), status, active: status === 'ACTIVE' };
}

export class OrganizationListError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'OrganizationListError';
  }
}

export async function listOrganizationAccounts(options: ListOrganizationAccountsOptions = {}): Promise<MemberAccount[]> {
  const client =
    options.client ??
    new OrganizationsClient({ region: options.region ?? 'us-east-1', maxAttempts: 5, ...(options.credentials ? { credentials: options.credentials } : {}) });
  const members: MemberAccount[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  try {
    do {
      const page = await client.send(new ListAccountsCommand({ MaxResults: ORGANIZATIONS_PAGE_SIZE, ...(nextToken ? { NextToken: nextToken } : {}) }));
      for (const account of page.Accounts ?? []) {
        const member = memberOfAccount(account);
        if (!member) throw new OrganizationListError(`organizations:ListAccounts returned an account without a 12-digit Id (page ${pages + 1})`, 'MalformedResponse');
        members.push(member);
      }
      nextToken = page.NextToken;
      pages++;
    } while (nextToken);
  } catch (error) {
    if (error instanceof OrganizationListError) throw error;
    const code = (error as { name?: string }).name ?? 'Error';
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new OrganizationListError(`organizations:ListAccounts failed (${code}: ${message})`, code);
  } finally {
    if (!options.client) client.destroy();
  }
  return members;
}
