import type { JSX } from 'preact';
import type { Progress } from '../../../proto/gen/es/sluice/v1/job_service_pb.js';

const PERCENT = 100;

/**
 * A job's progress as a native `<progress>` (no inline style, which the CSP
 * forbids) with its percentage and the processor's message, as text.
 *
 * @example
 * ```tsx
 * <ProgressBar progress={job.progress} />
 * ```
 */
export function ProgressBar({ progress }: { progress: Progress | undefined }): JSX.Element | null {
  if (progress === undefined) return null;
  const percent = Math.round(progress.fraction * PERCENT);
  return (
    <span class="progress">
      <progress max={PERCENT} value={percent} aria-label="progress" />
      <span class="progress-figure">{percent} %</span>
      {progress.message !== '' && <span class="progress-message">{progress.message}</span>}
    </span>
  );
}
