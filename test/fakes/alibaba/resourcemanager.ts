/**
 * Resource Management (ResourceManager 2020-03-31, global endpoint resourcemanager.aliyuncs.com):
 * `ListAccounts`, the members of the resource directory, as the API reference documents it.
 * Request: `PageNumber` (from 1, default 1), `PageSize` (1–100, default 10; outside → InvalidParameter),
 * optional `QueryKeyword` (matches display name or account id, case-insensitive substring).
 * Answer: `{PageNumber, PageSize, TotalCount, Accounts: {Account: [{AccountId, DisplayName, Status,
 * Type, FolderId, JoinMethod, JoinTime, ModifyTime, ResourceDirectoryId}]}}`, members in the order
 * the fleet was given them. Only the management account may call it (others: NoPermission, 403);
 * without a resource directory every caller gets EntityNotExists.ResourceDirectory (404).
 */

import { createHash } from 'node:crypto';

import { type PageSizeRule, numberedPage } from './paging';
import { AliServiceError, type OperationSpec, type ProductSpec, optionalParam } from './protocol';

/** Member statuses ListAccounts documents. */
export type ResourceDirectoryMemberStatus =
  | 'CreateSuccess'
  | 'CreateVerifying'
  | 'CreateFailed'
  | 'CreateExpired'
  | 'CreateCancelled'
  | 'InviteSuccess'
  | 'PromoteSuccess'
  | 'PromoteVerifying'
  | 'PromoteFailed'
  | 'PromoteExpired'
  | 'PromoteCancelled';

export interface ResourceDirectoryMember {
  /** The member's account uid. */
  id: string;
  displayName: string;
  /** Default CreateSuccess. */
  status?: ResourceDirectoryMemberStatus;
  /** Default ResourceAccount (JoinMethod `created`); CloudAccount members joined by invitation (`invited`). */
  type?: 'CloudAccount' | 'ResourceAccount';
  /** Default: the directory's root folder. */
  folderId?: string;
  /** ISO time; default 2024-01-01T00:00:00Z. */
  joinTime?: string;
}

export interface FakeResourceDirectory {
  managementAccount: string;
  accounts: ResourceDirectoryMember[];
  /** Default: `rd-` + a stable id derived from the management account. */
  id?: string;
}

/** ListAccounts PageSize: 1–100, default 10 (API reference). */
const LIST_ACCOUNTS_PAGE: PageSizeRule = { name: 'PageSize', min: 1, max: 100, fallback: 10, outOfRange: 'reject' };
const DEFAULT_JOIN_TIME = '2024-01-01T00:00:00Z';

function shortId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 6);
}

export function resourceDirectoryId(directory: FakeResourceDirectory): string {
  return directory.id ?? `rd-${shortId(directory.managementAccount)}`;
}

function listAccounts(directory: () => FakeResourceDirectory | undefined): OperationSpec {
  return {
    listKey: 'Accounts',
    handle(params, ctx) {
      const rd = directory();
      if (!rd) throw new AliServiceError('EntityNotExists.ResourceDirectory', 'The resource directory does not exist.', 404);
      if (ctx.caller?.account !== rd.managementAccount) {
        throw new AliServiceError('NoPermission', 'You are not authorized to do this action. Only the management account of the resource directory can call it.', 403);
      }
      const keyword = optionalParam(params, 'QueryKeyword')?.toLowerCase();
      const members = keyword ? rd.accounts.filter((a) => a.displayName.toLowerCase().includes(keyword) || a.id.includes(keyword)) : rd.accounts;
      const { page, ...paging } = numberedPage(members, params, LIST_ACCOUNTS_PAGE);
      const rdId = resourceDirectoryId(rd);
      const root = `r-${shortId(rdId)}`;
      return {
        ...paging,
        Accounts: {
          Account: page.map((a) => {
            const type = a.type ?? 'ResourceAccount';
            const joined = a.joinTime ?? DEFAULT_JOIN_TIME;
            return {
              AccountId: a.id,
              DisplayName: a.displayName,
              Status: a.status ?? 'CreateSuccess',
              Type: type,
              FolderId: a.folderId ?? root,
              JoinMethod: type === 'CloudAccount' ? 'invited' : 'created',
              JoinTime: joined,
              ModifyTime: joined,
              ResourceDirectoryId: rdId,
            };
          }),
        },
      };
    },
  };
}

export function resourceManagerProduct(version: string, directory: () => FakeResourceDirectory | undefined): ProductSpec {
  return {
    product: 'resourcemanager',
    popCode: 'ResourceManager',
    version,
    host: () => 'resourcemanager.aliyuncs.com',
    operations: { ListAccounts: listAccounts(directory) },
  };
}
