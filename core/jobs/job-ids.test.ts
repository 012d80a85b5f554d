import { createJobIdGenerator, deterministicJobId, JOB_ID_PATTERN } from './job-ids.js';

describe('job ids', () => {
  it('derives the same id from the same tenant, channel and key', () => {
    expect(deterministicJobId('t', 'default', 'k')).toBe(deterministicJobId('t', 'default', 'k'));
  });

  it('derives different ids when the tenant, channel or key differ', () => {
    const ids = new Set([
      deterministicJobId('t', 'default', 'k'),
      deterministicJobId('u', 'default', 'k'),
      deterministicJobId('t', 'other', 'k'),
      deterministicJobId('t', 'default', 'l'),
    ]);
    expect(ids.size).toBe(4);
  });

  it('makes ids of one shape, fresh ones sorted by time', () => {
    const next = createJobIdGenerator();
    const fresh = Array.from({ length: 100 }, () => next());
    expect([...fresh].sort()).toEqual(fresh);
    for (const id of [...fresh, deterministicJobId('t', 'c', 'k')])
      expect(id).toMatch(JOB_ID_PATTERN);
  });
});
