/**
 * STS (awsQuery, 2011-06-15): who the caller is, and AssumeRole into the member role of another
 * account. Element names are the client-sts members: AssumeRoleResponse carries `Credentials`
 * (`AccessKeyId`, `SecretAccessKey`, `SessionToken`, `Expiration`) and `AssumedRoleUser`
 * (`AssumedRoleId`, `Arn`); GetCallerIdentityResponse `UserId`, `Account`, `Arn`.
 */

import { type OperationHandler, requireString, stringParam } from './protocol';
import { element, leaf } from './xml';

export { FAKE_CALLER_USER_ID } from './identity';

/** Base credentials answer as the fixed IAM user of their account; issued ones as the assumed role. */
const getCallerIdentity: OperationHandler = (_params, { caller }) =>
  leaf('Arn', caller.arn) + leaf('UserId', caller.userId) + leaf('Account', caller.account);

/** Input members RoleArn and RoleSessionName are required; DurationSeconds and ExternalId optional. */
const assumeRole: OperationHandler = (params, { caller, identity, dialect }) => {
  const rawDuration = params['DurationSeconds'];
  const durationSeconds = rawDuration === undefined ? undefined : typeof rawDuration === 'number' ? rawDuration : Number(rawDuration);
  const externalId = stringParam(params, 'ExternalId');
  const session = identity.assumeRole(
    {
      roleArn: requireString(params, 'RoleArn', dialect),
      sessionName: requireString(params, 'RoleSessionName', dialect),
      ...(durationSeconds !== undefined ? { durationSeconds } : {}),
      ...(externalId !== undefined ? { externalId } : {}),
    },
    caller,
    dialect,
  );
  return (
    element(
      'Credentials',
      leaf('AccessKeyId', session.accessKeyId),
      leaf('SecretAccessKey', session.secretAccessKey),
      leaf('SessionToken', session.sessionToken),
      leaf('Expiration', session.expiration),
    ) + element('AssumedRoleUser', leaf('AssumedRoleId', session.assumedRoleId), leaf('Arn', session.arn))
  );
};

export const stsOperations: Record<string, OperationHandler> = {
  GetCallerIdentity: getCallerIdentity,
  AssumeRole: assumeRole,
};
