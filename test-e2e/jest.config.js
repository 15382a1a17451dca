module.exports = {
  ...require('../jest.preset.js'),
  testMatch: ['<rootDir>/**/*.e2e.test.ts'],
  globalSetup: '<rootDir>/support/global-setup.ts',
  globalTeardown: '<rootDir>/support/global-teardown.ts',
  testTimeout: 60000,
  // The SDK clients share keep-alive agents for the whole run; their idle sockets are not leaks.
  forceExit: true,
};
