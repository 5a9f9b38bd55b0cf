// Flat config: typescript-eslint's recommended rules (syntax only, no type information, so `eslint .`
// stays fast) for the TypeScript sources, and the same parser and rules for the repo's .js/.mjs files.
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    'packages/*/dist/',
    '.next/',
    'data/',
    'test-results/',
    'playwright-report/',
    'blob-report/',
    'coverage/',
    'next-env.d.ts',
    'db/migrations/',
  ]),
  {
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
  },
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    extends: [tseslint.configs.recommended],
    rules: {
      // `_`-prefixed names are deliberately unused (placeholders, ignored callback args, rest-omits).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'all',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Empty functions are the idiom for quiet loggers and no-op callbacks.
      '@typescript-eslint/no-empty-function': 'off',
      // `interface Props extends Base {}` is a common, harmless way to name a type.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    // Tests poke at arbitrary JSON responses (`res.json()` is already `any`); typing every probe
    // buys nothing there.
    files: ['**/*.test.{ts,tsx}', 'e2e/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // CommonJS config files may need require().
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
