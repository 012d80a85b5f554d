import { JOB_INDEXES } from '../../core/jobs/job-indexes.js';
import { writeUnitsOf } from './index-write-units.js';

const INDEXES = Object.values(JOB_INDEXES);
const queued = {
  pk: 'acme#01KB0000000000000000000000',
  listPk: 'acme#default#3',
  listSk: '1764633600000#01KB0000000000000000000000',
  type: 'echo',
  groupKey: '',
  state: 'QUEUED',
};

describe('writeUnitsOf', () => {
  it('charges an index a put when the item enters it, and the table its own write', () => {
    expect(writeUnitsOf(undefined, queued, INDEXES)).toEqual({
      table: 1,
      'by-channel': 1,
      failures: 0,
    });
  });

  it('charges no index for a change of an attribute it does not project', () => {
    expect(writeUnitsOf(queued, { ...queued, state: 'RUNNING' }, INDEXES)).toEqual({
      table: 1,
      'by-channel': 0,
      failures: 0,
    });
  });

  it('charges the sparse index when a write sets its key, and a projected change once', () => {
    const failed = { ...queued, state: 'FAILED', failurePk: 'acme#3' };
    expect(writeUnitsOf(queued, failed, INDEXES)).toEqual({
      table: 1,
      'by-channel': 0,
      failures: 1,
    });
    expect(writeUnitsOf(queued, { ...queued, type: 'other' }, INDEXES)['by-channel']).toBe(1);
  });

  it('charges a delete and a put when an index key changes, and the larger item to the table', () => {
    const moved = { ...queued, listPk: 'acme#default#4', payload: 'x'.repeat(1500) };
    expect(writeUnitsOf(queued, moved, INDEXES)).toEqual({
      table: 2,
      'by-channel': 2,
      failures: 0,
    });
  });
});
