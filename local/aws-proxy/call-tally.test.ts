import { CallTally } from './call-tally.js';

describe('CallTally', () => {
  it('numbers each occurrence of a name from 0 and counts every name apart', () => {
    const tally = new CallTally();
    expect([tally.add('PutItem'), tally.add('PutItem'), tally.add('GetItem')]).toEqual([0, 1, 0]);
    expect(Object.fromEntries(tally.counts)).toEqual({ PutItem: 2, GetItem: 1 });
    expect(tally.total).toBe(3);
  });

  it('starts empty', () => {
    const tally = new CallTally();
    expect(tally.counts.size).toBe(0);
    expect(tally.total).toBe(0);
  });
});
