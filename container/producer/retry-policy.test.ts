import { DEFAULT_RETRY_POLICY, mayRetry } from './retry-policy.js';

const POLICY = { ...DEFAULT_RETRY_POLICY, maxAttempts: 3, giveUpAfterMs: 1_000 };

describe('mayRetry', () => {
  it('allows another try while attempts and time are left', () => {
    expect(mayRetry(POLICY, 2, 999)).toBe(true);
  });

  it('stops once the attempts are spent', () => {
    expect(mayRetry(POLICY, 3, 0)).toBe(false);
  });

  it('stops once the time since the send is up', () => {
    expect(mayRetry(POLICY, 1, 1_000)).toBe(false);
  });
});
