import { ReasonTally } from './reason-tally.js';

describe('ReasonTally', () => {
  it('groups by reason in first-seen order, keeps five examples and counts the rest', () => {
    const tally = new ReasonTally();
    for (let i = 0; i < 7; i += 1) tally.add('NOT_FOUND: no such job', `j${i}`);
    tally.add('FAILED_PRECONDITION: SUCCEEDED', 'k');
    expect(tally.lines('refused')).toEqual([
      '  refused 7× NOT_FOUND: no such job — j0, j1, j2, j3, j4 and 2 more',
      '  refused 1× FAILED_PRECONDITION: SUCCEEDED — k',
    ]);
    expect(tally.toJson('jobIds')).toEqual([
      { reason: 'NOT_FOUND: no such job', count: 7, jobIds: ['j0', 'j1', 'j2', 'j3', 'j4'] },
      { reason: 'FAILED_PRECONDITION: SUCCEEDED', count: 1, jobIds: ['k'] },
    ]);
  });
});
