// Type-aware linting; the rules named in CONVENTIONS.md are errors.
import { builtinRules } from 'eslint/use-at-your-own-risk';
import tseslint from 'typescript-eslint';

// ESLint's own recommended rules (what @eslint/js's `recommended` lists), read from the rules' metadata rather than
// copied, for the console's plain JavaScript.
const jsRecommended = Object.fromEntries(
  [...builtinRules]
    .filter(([, rule]) => rule.meta?.docs?.recommended && !rule.meta.deprecated)
    .map(([name]) => [name, 'error']),
);

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'storage/',
      'coverage/',
      '*.js',
      'templates/',
      'src/modules/console/static/types/',
      // Bundled by scripts/console-vendor.mjs at build time (git-ignored).
      'src/modules/console/static/vendor/',
    ],
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-misused-promises': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': ['error', { allow: ['error', 'warn', 'log'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The console: plain ES modules for the browser (no bundler), type-checked by tsconfig.console.json (checkJs, the
  // DOM's types). Linted without type information (the TypeScript project does not hold them).
  {
    files: ['src/modules/console/static/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      parserOptions: { projectService: false, project: null },
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      ...jsRecommended,
      // Browser globals: tsc (lib "DOM") knows every one and reports a name that is not declared (TS2304), with
      // no list to keep here; ESLint's no-undef would need one (typescript-eslint advises leaving it to tsc).
      'no-undef': 'off',
      'no-unused-vars': 'off',
      eqeqeq: ['error', 'always'],
      // A local named like an import hides it: a page's `values` object once hid session.js's enum accessor.
      'no-shadow': 'error',
      'no-console': ['error', { allow: ['error', 'warn'] }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
);
