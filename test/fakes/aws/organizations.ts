/**
 * AWS Organizations (awsJson1.1, target prefix `AWSOrganizationsV20161128`, signed for
 * `organizations` in us-east-1): ListAccounts, as the fan-out dispatcher enumerates member
 * accounts. Keys are the client-organizations member names: ListAccountsRequest `NextToken`,
 * `MaxResults`; ListAccountsResponse `Accounts`, `NextToken`; Account `Id`, `Arn`, `Email`,
 * `Name`, `Status`, `State`, `JoinedMethod`, `JoinedTimestamp` (a timestamp: epoch seconds in awsJson).
 */

import type { OrganizationAccountState } from './identity';
import { pageOf } from './paging';
import { type OperationHandler, ServiceError, stringParam } from './protocol';

export const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128';

/** ListAccounts MaxResults: 1–20 (documented maximum); without it the service picks, the fake 20. */
const LIST_ACCOUNTS_MAX_RESULTS = 20;
const FAKE_ORGANIZATION_ID = 'o-fake';
/** Accounts joined one day apart from this instant (epoch seconds), in listing order. */
const FIRST_JOINED = Date.UTC(2020, 0, 1) / 1000;

/** The deprecated Status member only knows ACTIVE, SUSPENDED and PENDING_CLOSURE. */
function statusOf(state: OrganizationAccountState): 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' {
  if (state === 'SUSPENDED' || state === 'CLOSED') return 'SUSPENDED';
  if (state === 'PENDING_CLOSURE') return 'PENDING_CLOSURE';
  return 'ACTIVE';
}

function invalidInput(reason: string, message: string): ServiceError {
  return new ServiceError('InvalidInputException', message, 400, { Reason: reason });
}

const listAccounts: OperationHandler = (params, { caller, identity, dialect }) => {
  const organization = identity.organization;
  if (!organization) {
    throw new ServiceError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.', 400);
  }
  if (caller.account !== organization.managementAccount) {
    throw new ServiceError(
      'AccessDeniedException',
      `You don't have permissions to access this resource. User: ${caller.arn} is not authorized to perform: organizations:ListAccounts`,
      400,
    );
  }
  const max = params['MaxResults'];
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1)) {
    throw invalidInput('MIN_VALUE_EXCEEDED', 'You provided a value that is too small for MaxResults. The minimum is 1.');
  }
  if (typeof max === 'number' && max > LIST_ACCOUNTS_MAX_RESULTS) {
    throw invalidInput('MAX_VALUE_EXCEEDED', `You provided a value that is too large for MaxResults. The maximum is ${LIST_ACCOUNTS_MAX_RESULTS}.`);
  }
  const accounts = organization.accounts.map((a, i) => {
    const state = a.state ?? 'ACTIVE';
    return {
      Id: a.id,
      Arn: `arn:aws:organizations::${organization.managementAccount}:account/${FAKE_ORGANIZATION_ID}/${a.id}`,
      Email: a.email ?? `aws+${a.id}@example.com`,
      Name: a.name,
      Status: statusOf(state),
      State: state,
      JoinedMethod: a.id === organization.managementAccount ? 'INVITED' : 'CREATED',
      JoinedTimestamp: FIRST_JOINED + i * 86_400,
    };
  });
  const token = stringParam(params, 'NextToken');
  let page: { page: typeof accounts; next?: string };
  try {
    page = pageOf(accounts, typeof max === 'number' ? max : LIST_ACCOUNTS_MAX_RESULTS, token, `ListAccounts:${organization.managementAccount}`, dialect);
  } catch (e) {
    if (e instanceof ServiceError) throw invalidInput('INVALID_PAGINATION_TOKEN', 'The value of NextToken is invalid.');
    throw e;
  }
  return { Accounts: page.page, ...(page.next ? { NextToken: page.next } : {}) };
};

export const organizationsOperations: Record<string, OperationHandler> = {
  ListAccounts: listAccounts,
};
