/**
 * The browser suite (`npm run test:browser`): the project's jest setup, but
 * only test/browser — the dashboard driven in a real headless Chromium
 * (Debian's `chromium`, through playwright-core), which `npm test` leaves
 * out. One file at a time (`--runInBand`): each starts a whole Sluice and a
 * browser.
 */
import base from '../../jest.config.js';

export default {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/browser'],
  testPathIgnorePatterns: ['/node_modules/'],
};
