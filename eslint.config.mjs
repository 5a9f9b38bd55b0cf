// Flat config: typescript-eslint's recommended rules (syntax only, no type information, so `eslint .`
// stays fast) for the TypeScript sources, and the same parser and rules for the repo's .js/.mjs files.
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.test.{ts,tsx}'];
// Support code that only tests load: the harness, helpers and fixture programs.
const TEST_FIXTURES = ['server/testing/**', 'server/engine/backends/cli/fake-cli.ts', 'server/engine/backends/shared/testing.ts', 'server/engine/tools/test-support.ts'];

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

  // ---- Layers: transport (server/http, server/api) → core → (db, stream, engine interfaces) ------
  // The engine executes core's state machine, so it may import core; core sees the engine and the
  // stream only through their types. Tests wire whole servers together and are exempt. Each layer
  // is listed twice: by its `@/` alias and as a relative path that climbs into it.
  {
    files: ['server/core/**/*.ts'],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/server/api', '@/server/http'], message: 'Core is called by the transport layer, never the other way round.' },
            { regex: '^(\\.\\./)+(api|http)(/|$)', message: 'Core is called by the transport layer, never the other way round.' },
            { group: ['next', 'next/*', '@trpc/*', '@orpc/*'], message: 'Core knows nothing of Next, tRPC or oRPC: they belong to the transport layer.' },
            {
              group: ['@/server/engine', '@/server/stream'],
              allowTypeImports: true,
              message: 'Core may name the engine and the stream only as types (`import type`); what it needs to run belongs in core.',
            },
            {
              regex: '^(\\.\\./)+(engine|stream)(/|$)',
              allowTypeImports: true,
              message: 'Core may name the engine and the stream only as types (`import type`); what it needs to run belongs in core.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/api/dialects/**/*.ts'],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/db', '@/server/engine'], message: 'A dialect adapter maps its wire format to core calls; the database and the engine are reached through core.' },
            { regex: '^(\\.\\./)+(db|engine)(/|$)', message: 'A dialect adapter maps its wire format to core calls; the database and the engine are reached through core.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/engine/**/*.ts'],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/server/api', '@/server/http'], message: 'The engine runs work; requests reach it through core.' },
            { regex: '^(\\.\\./)+(api|http)(/|$)', message: 'The engine runs work; requests reach it through core.' },
          ],
        },
      ],
    },
  },
  {
    // Browser code: a value import from the server would bundle server modules into the page.
    files: ['lib/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}', 'app/**/*.{ts,tsx}'],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/server', '@/db'], allowTypeImports: true, message: 'Browser code imports only types from the server (`import type`).' },
            { regex: '^(\\.\\./)+(server|db)(/|$)', allowTypeImports: true, message: 'Browser code imports only types from the server (`import type`).' },
          ],
        },
      ],
    },
  },

  // ---- Configuration is read once, in server/env.ts ---------------------------------------------
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    // Tooling that is not the server (scripts, benchmarks, end-to-end runs, tool configs), tests,
    // and the fixtures tests run (a fake CLI reads its own environment) read their environment directly.
    ignores: ['server/env.ts', 'scripts/**', 'e2e/**', 'bench/**', '*.config.{ts,mts,js,mjs,cjs}', ...TESTS, ...TEST_FIXTURES],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          "MemberExpression[object.name='process'][property.name='env']",
          "MemberExpression[object.name='process'][property.value='env']",
          "VariableDeclarator[init.name='process'] > ObjectPattern > Property[key.name='env']",
          "ImportDeclaration[source.value=/^(node:)?process$/] > ImportSpecifier[imported.name='env']",
        ].map((selector) => ({ selector, message: 'Only server/env.ts reads process.env: add a field to Env and pass it down.' })),
      ],
    },
  },
);
