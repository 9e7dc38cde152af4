/**
 * The resource directory's members (ResourceManager `ListAccounts`, Version 2020-03-31; only the
 * management account or a delegated administrator may call it). Request: PageNumber (from 1),
 * PageSize 1–100. Answer: `Accounts.Account[]` with AccountId, DisplayName, Status, Type,
 * FolderId, JoinMethod, …, and TotalCount. A member can be audited once it has joined:
 * CreateSuccess, InviteSuccess or PromoteSuccess; the other statuses (…Verifying, …Failed,
 * …Expired, …Cancelled) are skipped by the plan and reported.
 */
import type { Agent } from 'node:http';
import type { MemberAccount } from '../members';
import type { AlibabaCredentialsProvider } from './credentials';
import { RESOURCE_MANAGER_API_VERSION, resolveResourceManagerEndpoint } from './endpoints';
import { MalformedResponseError, toAlibabaApiError } from './errors';
import { createPopClient, type PopClientFactory } from './pop-client';
import { retryPolicy, withRetry, type RetryPolicy } from './retry';

export const RESOURCE_DIRECTORY_PAGE_SIZE = 100;
const JOINED = new Set(['CreateSuccess', 'InviteSuccess', 'PromoteSuccess']);
/** A directory larger than this is an answer we do not trust (a paging loop). */
const MAX_PAGES = 1000;

export interface ListResourceDirectoryOptions {
  credentials: AlibabaCredentialsProvider;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  retry?: RetryPolicy;
  createClient?: PopClientFactory;
  agent?: Agent;
}

export async function listResourceDirectoryAccounts(options: ListResourceDirectoryOptions): Promise<MemberAccount[]> {
  const client = (options.createClient ?? createPopClient)({
    endpoint: resolveResourceManagerEndpoint(options.env ?? process.env),
    apiVersion: RESOURCE_MANAGER_API_VERSION,
    credentialsProvider: options.credentials,
  });
  const policy = options.retry ?? retryPolicy();
  const members: MemberAccount[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await withRetry(policy, async () => {
      try {
        return await client.request(
          'ListAccounts',
          { PageNumber: String(page), PageSize: String(RESOURCE_DIRECTORY_PAGE_SIZE) },
          { method: 'POST', timeout: options.timeoutMs ?? 10_000, ...(options.agent ? { agent: options.agent } : {}) },
        );
      } catch (error) {
        throw toAlibabaApiError(error);
      }
    });
    if (!answer || typeof answer !== 'object' || Array.isArray(answer)) throw new MalformedResponseError('ListAccounts: the answer is not a JSON object');
    const body = answer as Record<string, unknown>;
    const accounts = body['Accounts'];
    const list = accounts && typeof accounts === 'object' ? (accounts as Record<string, unknown>)['Account'] : undefined;
    if (list !== undefined && !Array.isArray(list)) throw new MalformedResponseError('ListAccounts: Accounts.Account is not a list');
    const items = (list ?? []) as unknown[];
    for (const [i, item] of items.entries()) {
      const a = (item ?? {}) as Record<string, unknown>;
      const id = typeof a['AccountId'] === 'string' ? a['AccountId'] : typeof a['AccountId'] === 'number' ? String(a['AccountId']) : undefined;
      if (!id || !/^\d+$/.test(id)) throw new MalformedResponseError(`ListAccounts: Accounts.Account[${i}] on page ${page} has no AccountId`);
      const status = typeof a['Status'] === 'string' ? a['Status'] : 'Unknown';
      const name = typeof a['DisplayName'] === 'string' ? a['DisplayName'] : undefined;
      members.push({ id, ...(name ? { name } : {}), status, active: JOINED.has(status) });
    }
    const total = Number(body['TotalCount']);
    const seen = (page - 1) * RESOURCE_DIRECTORY_PAGE_SIZE + items.length;
    if (items.length < RESOURCE_DIRECTORY_PAGE_SIZE || (Number.isFinite(total) && seen >= total)) return members;
  }
  throw new MalformedResponseError(`ListAccounts: more than ${MAX_PAGES} pages`);
}
