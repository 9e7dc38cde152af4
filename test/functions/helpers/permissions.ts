/**
 * The writes a function role may do besides the collectors' reads, with why. Only these, each on
 * its configured resource, and each only in the role of a function whose bundle calls it
 * (serverless.yml; test/unit/deploy-permissions.test.ts and deploy-aws.test.ts).
 */
export const AWS_SINK_ACTIONS: Record<string, string> = {
  'sqs:SendMessage': 'SQS sink (SendMessage and SendMessageBatch) on the findings queue; fan-out jobs onto the job queue (dispatch)',
  'securityhub:BatchImportFindings': 'Security Hub sink, own account product',
  'ssm:GetParameter': 'ssm: configuration and sink secrets under the parameter prefix',
  'dynamodb:GetItem': 'DynamoDB state store',
  'dynamodb:PutItem': 'DynamoDB state store',
  'dynamodb:Query': 'DynamoDB state store',
};

/**
 * The fan-out's calls besides the reads and the sink writes (serverless.yml grants each to the role
 * of the one function that makes it; test/unit/deploy-permissions.test.ts proves its bundle does).
 */
export const AWS_FANOUT_ACTIONS: Record<string, string> = {
  'organizations:ListAccounts': 'dispatch: the organisation\'s member accounts (no resource-level permission exists: Resource "*")',
  'sts:AssumeRole': 'worker: the member role (memberRoleName) in each audited account',
};

/** The role each Lambda function runs with (serverless.yml `functions.<name>.role`, a resource of the stack). */
export const AWS_FUNCTION_ROLES: Record<string, string> = {
  scheduledScan: 'AuditorRole',
  onChange: 'AuditorRole',
  invoke: 'AuditorRole',
  dispatch: 'DispatchRole',
  worker: 'WorkerRole',
};

/** Lambda delivers every function's logs with its role, to the function's own log group. */
export const AWS_LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

/** Lambda sends a failed asynchronous invocation to the dead-letter queue (onError) with the function's role. */
export const AWS_DEAD_LETTER_ACTIONS = ['sqs:SendMessage'];

/**
 * The worker's sqs event: the event source mapping polls the queue and deletes handled messages with
 * the function's role (WorkerRole grants them, on the job queue only). No bundle calls them.
 */
export const AWS_EVENT_SOURCE_ACTIONS = ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'];

/** AWS SDK package → IAM service prefix. */
export const AWS_IAM_PREFIX: Record<string, string> = {
  'client-api-gateway': 'apigateway',
  'client-apigatewayv2': 'apigateway',
  'client-ec2': 'ec2',
  'client-elastic-load-balancing-v2': 'elasticloadbalancing',
  'client-servicediscovery': 'servicediscovery',
  'client-sts': 'sts',
  'client-ssm': 'ssm',
  'client-sqs': 'sqs',
  'client-securityhub': 'securityhub',
  'client-dynamodb': 'dynamodb',
  'client-organizations': 'organizations',
};

/** Commands authorized by another action than their own name. */
export const AWS_ACTION_OF_COMMAND: Record<string, string> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
};

/** Alibaba Cloud writes of the FC role besides the reads: platform log delivery and the MNS sink. */
export const ALIBABA_WRITE_ACTIONS = ['log:PostLogStoreLogs', 'mns:SendMessage'];
