import type { AwsService, AwsTarget } from './aws-target.js';

/** The media type of both services' JSON protocols. */
const AWS_JSON = 'application/x-amz-json-1.0';
/** The first status a server fault (rather than the caller's) answers with. */
const FIRST_SERVER_STATUS = 500;

/** One call as the fault plan sees it. */
export interface AwsCall extends AwsTarget {
  /** How many calls of this action came before it (from 0). */
  index: number;
}

/** What the proxy does with one call. */
export type AwsFaultDecision =
  /** Forward, after `delayMs` and once `until` resolved, when given (to reorder or stall calls). */
  | { kind: 'forward'; delayMs?: number; until?: Promise<void> }
  /** Answer with an AWS JSON-protocol error instead of forwarding (refuse, throttle, 5xx). */
  | { kind: 'fail'; status: number; errorType: string }
  /** Forward, then change the parsed JSON answer before the client sees it. */
  | { kind: 'rewrite'; rewrite: (answer: Record<string, unknown>) => Record<string, unknown> }
  /**
   * Destroy the client's connection: `before` the call reaches the service
   * (it never happened) or `after` the service handled it (it was applied,
   * but the answer is lost and the caller cannot know).
   */
  | { kind: 'drop'; when: 'before' | 'after' };

/** Picks the decision for one call. */
export type AwsFaultPlan = (call: AwsCall) => AwsFaultDecision;

/** Forwards every call unchanged. */
export const FORWARD_ALL: AwsFaultPlan = () => ({ kind: 'forward' });

/** The JSON-protocol errors tests inject, per service and kind of trouble. */
export const AWS_ERRORS = {
  sqs: {
    throttling: { status: 400, errorType: 'ThrottlingException' },
    serverError: { status: 500, errorType: 'InternalError' },
    unavailable: { status: 503, errorType: 'ServiceUnavailable' },
  },
  dynamodb: {
    throttling: { status: 400, errorType: 'ProvisionedThroughputExceededException' },
    serverError: { status: 500, errorType: 'InternalServerError' },
    unavailable: { status: 503, errorType: 'ServiceUnavailable' },
  },
} as const;

/** An answer the proxy sends back to the client. */
export interface ProxyAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * The error answer of an injected `fail`, as the service would send it: the
 * JSON `__type` both SDKs read, and for SQS also the query-compatible
 * `x-amzn-query-error` header its SDK takes the error name from.
 *
 * @example
 * ```ts
 * const answer = faultAnswer('dynamodb', 400, 'ProvisionedThroughputExceededException');
 * ```
 */
export function faultAnswer(service: AwsService, status: number, errorType: string): ProxyAnswer {
  const headers: Record<string, string> = { 'content-type': AWS_JSON };
  if (service === 'sqs') {
    const fault = status < FIRST_SERVER_STATUS ? 'Sender' : 'Receiver';
    headers['x-amzn-query-error'] = `${errorType};${fault}`;
  }
  const body = Buffer.from(JSON.stringify({ __type: errorType, message: 'injected fault' }));
  return { status, headers, body };
}

/**
 * The kind of fault a decision injects (`fail`, `drop`, `rewrite`, or
 * `delay` for a held-back forward), `undefined` for a plain forward: what the
 * proxy's fault counts are keyed by.
 *
 * @example
 * ```ts
 * faultKind({ kind: 'forward', delayMs: 50 }); // 'delay'
 * ```
 */
export function faultKind(decision: AwsFaultDecision): string | undefined {
  if (decision.kind !== 'forward') return decision.kind;
  return decision.delayMs !== undefined || decision.until !== undefined ? 'delay' : undefined;
}
