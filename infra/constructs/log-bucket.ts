import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Access and flow logs are kept this long. */
const LOG_EXPIRATION = Duration.days(90);
/** The service that writes NLB access logs and VPC flow logs into S3. */
const LOG_DELIVERY_SERVICE = 'delivery.logs.amazonaws.com';

/**
 * The bucket for the network's logs (NLB access logs, VPC flow logs):
 * private, SSE-S3 (what NLB log delivery supports), TLS-only, objects expire
 * after 90 days.
 *
 * @example
 * ```ts
 * const logs = new LogBucket(this, 'Logs');
 * logs.allowLoadBalancerLogs('nlb');
 * ```
 */
export class LogBucket extends Construct {
  readonly bucket: IBucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: LOG_EXPIRATION }],
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket only receives access and flow logs; logging its own access would need another log bucket, which would raise the same finding.',
    });
    this.bucket = bucket;
  }

  /**
   * Lets the log delivery service write NLB access logs under `prefix` for
   * this account. Written by hand because `logAccessLogs` wants a concrete
   * region and the stack is environment-agnostic; NLBs need only the
   * delivery service principal (no regional ELB account).
   *
   * @example
   * ```ts
   * logs.allowLoadBalancerLogs('nlb');
   * nlb.setAttribute('access_logs.s3.enabled', 'true');
   * ```
   */
  allowLoadBalancerLogs(prefix: string): void {
    const principal = new ServicePrincipal(LOG_DELIVERY_SERVICE);
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } };
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        principals: [principal],
        resources: [this.bucket.arnForObjects(`${prefix}/AWSLogs/${Aws.ACCOUNT_ID}/*`)],
        conditions: {
          StringEquals: {
            's3:x-amz-acl': 'bucket-owner-full-control',
            'aws:SourceAccount': Aws.ACCOUNT_ID,
          },
        },
      }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        actions: ['s3:GetBucketAcl'],
        principals: [principal],
        resources: [this.bucket.bucketArn],
        conditions: fromThisAccount,
      }),
    );
  }
}
