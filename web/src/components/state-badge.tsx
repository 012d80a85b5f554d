import type { JSX } from 'preact';
import type { JobState } from '../../../proto/gen/es/sluice/v1/job_service_pb.js';
import { stateName } from '../jobs/job-states.js';

/**
 * A job's state as a coloured label (the colour from a CSS class per state).
 *
 * @example
 * ```tsx
 * <StateBadge state={job.state} />
 * ```
 */
export function StateBadge({ state }: { state: JobState }): JSX.Element {
  const name = stateName(state);
  return (
    <span class={`state state-${name.toLowerCase()}`} data-state={name}>
      {name}
    </span>
  );
}
