import type { JSX } from 'preact';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';

/**
 * A timestamp as `<time>`: local time to read, the ISO instant in `datetime`
 * and the tooltip (exact, copyable). Nothing when unset.
 *
 * @example
 * ```tsx
 * <TimeText at={job.createdAt} />
 * ```
 */
export function TimeText({ at }: { at: Timestamp | undefined }): JSX.Element | null {
  if (at === undefined) return null;
  const date = timestampDate(at);
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={iso}>
      {date.toLocaleString()}
    </time>
  );
}
