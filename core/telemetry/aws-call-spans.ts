import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MiddlewareStack } from '@smithy/types';
import { sluiceTracer } from './trace-context.js';

/** The part of an AWS SDK v3 client this needs: its middleware stack. */
export interface MiddlewareStackOwner<Input extends object, Output extends object> {
  middlewareStack: MiddlewareStack<Input, Output>;
}

/** The middleware's name (added once per client: a second add replaces it). */
const MIDDLEWARE_NAME = 'sluiceCallSpans';

/**
 * Gives every call of an AWS SDK client a CLIENT span (`DynamoDB PutItem`,
 * `SQS SendMessageBatch`, with the `rpc.*` attributes of the AWS SDK
 * conventions), SDK retries included — but only inside a recorded trace:
 * a call with no recording parent (a poller's receive, tracing off) creates
 * nothing, so an idle process exports no noise and costs one check a call.
 *
 * @example
 * ```ts
 * addAwsCallSpans(sqsClient, 'SQS');
 * ```
 */
export function addAwsCallSpans<Input extends object, Output extends object>(
  client: MiddlewareStackOwner<Input, Output>,
  service: string,
): void {
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (trace.getActiveSpan()?.isRecording() !== true) return next(args);
      const method = context.commandName?.replace(/Command$/, '') ?? 'unknown';
      return sluiceTracer.startActiveSpan(
        `${service} ${method}`,
        {
          kind: SpanKind.CLIENT,
          attributes: { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': method },
        },
        async (span) => {
          try {
            return await next(args);
          } catch (error) {
            // The error's name only: AWS messages may quote request values.
            const type = error instanceof Error ? error.name : 'unknown';
            span.setAttribute('error.type', type);
            span.setStatus({ code: SpanStatusCode.ERROR, message: type });
            throw error;
          } finally {
            span.end();
          }
        },
      );
    },
    { step: 'initialize', name: MIDDLEWARE_NAME, override: true },
  );
}
