/**
 * The fault suites (`npm run test:faults`): the project's jest setup, but
 * only test/faults — which `npm test` leaves out, as these take minutes.
 * Run them one file at a time (`--runInBand`): each starts a whole Sluice
 * and kills parts of it, and two at once would share two cores.
 */
import base from '../../jest.config.js';

export default {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/faults'],
  testPathIgnorePatterns: ['/node_modules/'],
};
