// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * typescript-eslint's recommended rules (syntax-only: no type information, so a lint of the
 * whole tree stays a few seconds on a small CI machine; `tsc --noEmit` does the type checking).
 * Formatting is not linted: the tree has no formatter yet, and reformatting every file at once
 * would conflict with every open branch.
 */
export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.test-results/**', '.data/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring to drop a field, callback slots).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Non-null assertions are allowed where an invariant makes them safe; each should say why.
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-control-regex': 'off', // XML escaping and header validation match control characters on purpose
    },
  },
  {
    // Tests and test support load optional tools lazily (testcontainers, the e2e workspace's SDK).
    files: ['**/*.test.ts', '**/test-support/**/*.ts', 'packages/test-kit/**/*.ts', 'test-e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
