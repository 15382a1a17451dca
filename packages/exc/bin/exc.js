#!/usr/bin/env node
// The CLI is TypeScript run through tsx, like the rest of the workspace: no build step to forget.
require('tsx/cjs');
require('../src/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
