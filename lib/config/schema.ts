import { z } from 'zod';
import { SEVERITIES } from '../rules/types';

/** A value that may be written inline, or read from the environment or (on AWS) SSM at start. */
export const secretValue = z.union([
  z.string().min(1),
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }),
  z.strictObject({ ssm: z.string().startsWith('/', 'must be an SSM parameter path starting with "/"') }),
]);

const severity = z.enum(SEVERITIES);
const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be a region name such as us-east-1');

const awsAccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const alibabaAccountId = z.string().regex(/^\d{6,20}$/, 'must be an Alibaba Cloud account id (digits)');
/** IAM role names: 1–64 of `[\w+=,.@-]`, optionally under a path. */
const iamRoleName = z.string().regex(/^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/, 'must be an IAM role name such as ApigwAuditorRead');
const ramRoleName = z.string().regex(/^[A-Za-z0-9.-]{1,64}$/, 'must be a RAM role name such as ApigwAuditorRead');
const externalId = z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2–1224 characters of letters, digits and +=,.@:/-');

const awsTarget = z.strictObject({
  provider: z.literal('aws'),
  regions: z.array(awsRegion).min(1),
  /** Accounts to audit; an entry without `roleArn` is read with the caller's own credentials (it must be the caller's account). */
  accounts: z
    .array(
      z.strictObject({
        id: awsAccountId,
        roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN').optional(),
        externalId: externalId.optional(),
      }),
    )
    .optional(),
  /** Every ACTIVE account of the organisation (Organizations ListAccounts), read through `roleName` in each. */
  organization: z
    .strictObject({
      roleName: iamRoleName,
      externalId: externalId.optional(),
      exclude: z.array(awsAccountId).optional(),
    })
    .optional(),
});

const alibabaTarget = z.strictObject({
  provider: z.literal('alibaba'),
  regions: z.array(z.string().regex(/^[a-z]{2}(-[a-z0-9]+)+$/, 'must be a region id such as cn-hangzhou')).min(1),
  accounts: z
    .array(z.strictObject({ id: alibabaAccountId, roleArn: z.string().regex(/^acs:ram::\d+:role\/.+$/, 'must be a RAM role ARN (acs:ram::<account>:role/<name>)').optional() }))
    .optional(),
  /** Every joined member of the resource directory (ResourceManager ListAccounts), read through `roleName` in each. */
  resourceDirectory: z
    .strictObject({
      roleName: ramRoleName,
      exclude: z.array(alibabaAccountId).optional(),
    })
    .optional(),
});

const sinkBase = { minSeverity: severity.optional() };

const sink = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sqs'), queueUrl: z.string().url(), ...sinkBase }),
  z.strictObject({ type: z.literal('mns'), endpoint: z.string().url(), queue: z.string().min(1), ...sinkBase }),
  z.strictObject({ type: z.literal('slack'), url: secretValue, ...sinkBase }),
  z.strictObject({ type: z.literal('teams'), url: secretValue, ...sinkBase }),
  z.strictObject({ type: z.literal('dingtalk'), url: secretValue, secret: secretValue.optional(), ...sinkBase }),
  z.strictObject({ type: z.literal('feishu'), url: secretValue, secret: secretValue.optional(), ...sinkBase }),
  z.strictObject({ type: z.literal('webhook'), url: secretValue, secret: secretValue.optional(), ...sinkBase }),
  // AWS Security Hub (BatchImportFindings, ASFF); `region`: import everything there (default: each finding's own region).
  z.strictObject({ type: z.literal('securityhub'), region: awsRegion.optional(), ...sinkBase }),
]);

export const configSchema = z.strictObject({
  targets: z.array(z.discriminatedUnion('provider', [awsTarget, alibabaTarget])).optional(),
  rules: z
    .strictObject({
      skip: z.array(z.string()).optional(),
      only: z.array(z.string()).optional(),
      options: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    })
    .optional(),
  suppressions: z
    .array(
      z.strictObject({
        rule: z.string(),
        resource: z.string().min(1),
        reason: z.string().min(1),
        expires: z.union([z.iso.date(), z.date()]).optional(),
      }),
    )
    .optional(),
  state: z
    .strictObject({
      type: z.enum(['dynamodb', 'file', 'none', 'tablestore', 'oss']),
      table: z.string().optional(),
      path: z.string().optional(),
      endpoint: z.string().optional(),
      instance: z.string().optional(),
      bucket: z.string().optional(),
    })
    .optional(),
  sinks: z.array(sink).optional(),
  /** Several accounts or regions: how many (account, region) scans run at once (CLI and in-process runs; on AWS the worker queue's concurrency is set in serverless.yml). */
  fanout: z
    .strictObject({
      concurrency: z.number().int().min(1).max(64).optional(),
    })
    .optional(),
  notify: z
    .strictObject({
      on: z.array(z.enum(['new', 'open', 'resolved', 'all'])).optional(),
      remindOpenAfterHours: z.number().positive().optional(),
    })
    .optional(),
});

export type AuditConfig = z.infer<typeof configSchema>;
