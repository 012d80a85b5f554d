import { CHANNELS } from '../../core/channels/channels.js';
import { PROCESSORS } from './processor-registry.js';

describe('PROCESSORS', () => {
  it('has a processor for every job type a channel declares', () => {
    const declared = [...new Set(CHANNELS.flatMap((channel) => channel.types))];
    const missing = declared.filter((type) => !PROCESSORS.has(type));
    expect(missing).toEqual([]);
  });
});
