import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  TreatMissingData,
  type IAlarmAction,
  type Metric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * A job waiting this long means the consumers are not keeping up: it is longer
 * than the default channel's whole retry budget (3 receives × 180 s visibility).
 */
export const OLDEST_MESSAGE_AGE_ALARM_SECONDS = 15 * 60;
/** CloudWatch's SQS and Lambda metrics arrive per minute; alarms look at this window. */
const ALARM_PERIOD = Duration.minutes(5);
/** One dead-lettered message, one crashed invocation, one throttle: each is worth a look. */
const ANY = 1;

/** Properties of `ChannelAlarms`. */
export interface ChannelAlarmsProps {
  /** The channel's name, for the alarm descriptions. */
  channelName: string;
  queue: IQueue;
  deadLetterQueue: IQueue;
  consumer: IFunction;
  deadLetterHandler: IFunction;
  /** Where the alarms notify (an SNS topic); none: they only change state. */
  action?: IAlarmAction;
}

/**
 * The alarms of one channel: messages in its dead-letter queue, a job waiting
 * too long in its queue, and consumer or dead-letter handler errors (a crashed
 * invocation, not a job that failed: those are reported per message) and
 * throttles. Missing data (an idle channel) is not breaching.
 *
 * @example
 * ```ts
 * new ChannelAlarms(this, 'Alarms', { channelName: 'default', queue, deadLetterQueue, consumer, deadLetterHandler });
 * ```
 */
export class ChannelAlarms extends Construct {
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: ChannelAlarmsProps) {
    super(scope, id);
    const name = props.channelName;
    const windowed = { period: ALARM_PERIOD };
    this.alarms = [
      this.#alarm(
        'DeadLetterDepth',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          ...windowed,
          statistic: 'Maximum',
        }),
        ANY,
        `Channel ${name}: jobs in the dead-letter queue (the dead-letter handler is not keeping up or failing)`,
      ),
      this.#alarm(
        'OldestMessageAge',
        props.queue.metricApproximateAgeOfOldestMessage({ ...windowed, statistic: 'Maximum' }),
        OLDEST_MESSAGE_AGE_ALARM_SECONDS,
        `Channel ${name}: a job has waited over ${OLDEST_MESSAGE_AGE_ALARM_SECONDS} s in the queue`,
      ),
      this.#alarm(
        'ConsumerErrors',
        props.consumer.metricErrors({ ...windowed, statistic: 'Sum' }),
        ANY,
        `Channel ${name}: consumer invocations crashed`,
      ),
      this.#alarm(
        'ConsumerThrottles',
        props.consumer.metricThrottles({ ...windowed, statistic: 'Sum' }),
        ANY,
        `Channel ${name}: consumer invocations were throttled (account concurrency)`,
      ),
      this.#alarm(
        'DeadLetterHandlerErrors',
        props.deadLetterHandler.metricErrors({ ...windowed, statistic: 'Sum' }),
        ANY,
        `Channel ${name}: dead-letter handler invocations crashed`,
      ),
      this.#alarm(
        'DeadLetterHandlerThrottles',
        props.deadLetterHandler.metricThrottles({ ...windowed, statistic: 'Sum' }),
        ANY,
        `Channel ${name}: dead-letter handler invocations were throttled`,
      ),
    ];
    if (props.action !== undefined) {
      for (const alarm of this.alarms) alarm.addAlarmAction(props.action);
    }
  }

  #alarm(id: string, metric: Metric, threshold: number, description: string): Alarm {
    return new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
  }
}
