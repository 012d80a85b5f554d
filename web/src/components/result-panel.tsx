import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { resultViews } from '../jobs/result-views.js';

/**
 * A job's result, switchable between its views (pretty JSON, text, hex,
 * base64), shown in a `<pre>` as text — a result of `<script>` is the
 * eight characters, never a script.
 *
 * @example
 * ```tsx
 * <ResultPanel bytes={job.result} contentType={job.resultContentType} />
 * ```
 */
export function ResultPanel({
  bytes,
  contentType,
}: {
  bytes: Uint8Array;
  contentType: string;
}): JSX.Element {
  const views = resultViews(bytes);
  const [chosen, setChosen] = useState<string>();
  const view = views.find((candidate) => candidate.name === chosen) ?? views[0];
  return (
    <section class="result">
      <h2>
        Result{' '}
        <span class="hint">
          ({contentType === '' ? 'no content type' : contentType}, {bytes.length} bytes)
        </span>
      </h2>
      <div class="tabs" role="tablist">
        {views.map((candidate) => (
          <button
            type="button"
            role="tab"
            key={candidate.name}
            aria-selected={candidate === view}
            onClick={() => setChosen(candidate.name)}
          >
            {candidate.name}
          </button>
        ))}
      </div>
      <pre class="result-text" data-view={view?.name}>
        {view?.text}
      </pre>
    </section>
  );
}
