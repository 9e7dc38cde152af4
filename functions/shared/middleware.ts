/**
 * middy middlewares shared by the Lambda handlers:
 * - `structuredLogging` gives the handler a logger bound to the function and request id;
 * - `validateEvent` parses the raw event first; a rejection is logged once and answered without
 *   running anything (and without throwing, so the platform does not retry it);
 * - `retryOnlyTransient` lets only transient failures escape (Lambda retries those) and turns every
 *   other failure into one logged error and a normal response.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { AwsRuntime, LambdaContextLike } from './aws-runtime';
import { classifyFailure, RetryableAuditError, type ClassifiedFailure } from './failures';
import { createLogger, type Logger } from './log';

export interface AuditContext extends LambdaContextLike {
  log: Logger;
}

type AnyRequest = Request<unknown, unknown, Error, AuditContext>;

export function structuredLogging(functionName: string, runtime: Pick<AwsRuntime, 'writeLog' | 'now'>): MiddlewareObj<unknown, unknown, Error, AuditContext> {
  return {
    before: (request: AnyRequest) => {
      request.context.log = createLogger(
        { function: functionName, ...(request.context.awsRequestId ? { requestId: request.context.awsRequestId } : {}) },
        runtime.writeLog,
        runtime.now,
      );
    },
  };
}

/**
 * Replaces `request.event` with what `parse` makes of it. When `parse` answers with a response
 * instead (`{ respond }`), that response is returned at once.
 */
export function validateEvent<Parsed>(
  parse: (event: unknown, log: Logger) => { parsed: Parsed } | { respond: unknown },
): MiddlewareObj<unknown, unknown, Error, AuditContext> {
  return {
    before: (request: AnyRequest) => {
      const outcome = parse(request.event, request.context.log);
      if ('respond' in outcome) return outcome.respond;
      request.event = outcome.parsed;
      return undefined;
    },
  };
}

/**
 * `respond` gives the answer for a failure, or undefined to rethrow it (the platform retries).
 * The default rethrows exactly the retryable failures.
 */
export function retryOnlyTransient(
  respond: (failure: ClassifiedFailure, request: AnyRequest) => unknown = (failure) =>
    failure.retry ? undefined : { status: 'failed', failure: failure.kind, error: failure.message },
): MiddlewareObj<unknown, unknown, Error, AuditContext> {
  return {
    onError: (request: AnyRequest) => {
      const failure = classifyFailure(request.error);
      const details = request.error instanceof RetryableAuditError ? request.error.details : {};
      const log = request.context.log ?? createLogger({});
      const response = respond(failure, request);
      const retried = response === undefined;
      log.error(retried ? 'run failed, the platform will retry' : 'run failed, not retried', {
        failure: failure.kind,
        error: failure.message,
        retry: retried,
        ...details,
      });
      // Leaving `response` undefined makes middy rethrow: the platform then retries. What is rethrown
      // carries the classified message only: a raw SDK error may quote an answer echoing the request.
      if (!retried) request.response = response;
      else if (!(request.error instanceof RetryableAuditError)) request.error = new RetryableAuditError(failure.message, details);
    },
  };
}
