import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ChannelInfo } from '../../../proto/gen/es/sluice/v1/job_service_pb.js';
import { callFailure, type CallFailure } from '../api/call-failure.js';
import { useDashboard } from '../api/dashboard-context.js';
import { FailureNotice } from '../components/failure-notice.js';
import { formText } from '../components/form-text.js';
import { navigate } from '../routing/router.js';

const DEFAULT_CONTENT_TYPE = 'application/json';
const ENCODER = new TextEncoder();

function attributesOf(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) attributes[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return attributes;
}

/**
 * `/submit`: a form for one job (channel and type from ListChannels,
 * payload, content type, group key, idempotency key, attributes) — for
 * trying processors in local development; the new job's page opens on
 * success, the front's field error shows on refusal.
 *
 * @example
 * ```tsx
 * <SubmitPage />
 * ```
 */
export function SubmitPage(): JSX.Element {
  const { client } = useDashboard();
  const [channels, setChannels] = useState<ChannelInfo[]>([]);
  const [channel, setChannel] = useState('');
  const [failure, setFailure] = useState<CallFailure>();
  useEffect(() => {
    client.listChannels({}).then(
      (response) => {
        setChannels(response.channels);
        setChannel((chosen) => (chosen === '' ? (response.channels[0]?.name ?? '') : chosen));
      },
      (error: unknown) => setFailure(callFailure(error)),
    );
  }, [client]);
  const types = channels.find((candidate) => candidate.name === channel)?.jobTypes ?? [];
  const onSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string): string => formText(data, name, { trim: false });
    setFailure(undefined);
    try {
      const { jobId } = await client.submitJob({
        channel: text('channel'),
        type: text('type'),
        payload: ENCODER.encode(text('payload')),
        contentType: text('contentType').trim(),
        groupKey: text('groupKey').trim(),
        idempotencyKey: text('idempotencyKey').trim(),
        attributes: attributesOf(text('attributes')),
      });
      navigate(`/jobs/${encodeURIComponent(jobId)}`);
    } catch (error) {
      setFailure(callFailure(error));
    }
  };
  return (
    <main>
      <h1>Submit a job</h1>
      <form class="submit" onSubmit={(event) => void onSubmit(event)}>
        <label>
          Channel
          <select
            name="channel"
            value={channel}
            onChange={(event) => setChannel(event.currentTarget.value)}
          >
            {channels.map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
                {candidate.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Type
          <select name="type">
            {types.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label class="wide">
          Payload
          <textarea name="payload" rows={6} />
        </label>
        <label>
          Content type <input name="contentType" value={DEFAULT_CONTENT_TYPE} />
        </label>
        <label>
          Group key <input name="groupKey" />
        </label>
        <label>
          Idempotency key <input name="idempotencyKey" />
        </label>
        <label class="wide">
          Attributes (key=value, one a line)
          <textarea name="attributes" rows={3} />
        </label>
        <div class="actions">
          <button type="submit">Submit</button>
        </div>
      </form>
      {failure && <FailureNotice failure={failure} />}
    </main>
  );
}
