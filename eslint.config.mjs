// ESLint flat config. Type-aware rules catch the bugs that matter most here: a forgotten `await` on an
// activity or a driver call silently drops its failure, so `no-floating-promises` is an error.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/** What code that runs in Temporal's deterministic workflow sandbox may not import. */
const SANDBOX = [
  { group: ['node:*'], message: 'Workflow code must not use Node built-ins (non-deterministic I/O).' },
  {
    group: ['fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'timers', 'process'],
    message: 'Workflow code must not use Node built-ins (non-deterministic I/O).',
  },
  { group: ['axios', 'better-sqlite3', 'pino', 'hono', '@hono/*'], message: 'Workflow code does no I/O.' },
  { group: ['**/drivers/**', '**/drivers'], message: 'Workflows reach drivers only through activities.' },
  {
    regex: '^zod$|(^|/)models(/(?!names$)[^/]+)?$',
    allowTypeImports: true,
    message:
      'Schemas stay out of the sandbox (it rebuilds them for every workflow): validate through the validateWorkflowInput local activity and import only types and models/names.',
  },
  {
    group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
    message: 'Workflow code may use only @temporalio/workflow and @temporalio/common.',
  },
];

export default tseslint.config(
  { ignores: ['lib/**', 'node_modules/**', '.temporal/**', 'coverage/**', 'test-artifacts/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', '*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      // Imports point down the layers only (DESIGN.md): models, contracts, drivers, activities, workflows, controller.
      // The bench and the demo sit on top and stay out of the published library.
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './src/models', from: './src', except: ['./models'], message: 'models import nothing above them.' },
            {
              target: './src/contracts',
              from: ['./src/drivers', './src/activities', './src/workflows', './src/controller'],
              message: 'contracts import nothing above the models.',
            },
            {
              target: './src/drivers',
              from: ['./src/activities', './src/workflows', './src/controller', './src/contracts'],
              message: 'drivers know nothing of Temporal or of the layers above them.',
            },
            {
              target: './src/activities',
              from: ['./src/workflows', './src/controller'],
              message: 'activities are below the workflows and the controller.',
            },
            { target: './src/workflows', from: './src/controller', message: 'workflows never call the controller.' },
            {
              target: ['./src/!(bench|demo)/**', './src/*.ts'],
              from: ['./src/bench', './src/demo'],
              message: 'the bench and the demo are not part of the library.',
            },
          ],
        },
      ],
      // A saga's undo closure reads a variable that the step it undoes assigns later: that is the point, not a slip.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no I/O, no node builtins, no drivers. Activities are
    // reached only through proxyActivities with `import type`.
    files: ['src/workflows/**/*.ts', 'src/bench/workflows.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...SANDBOX,
            {
              group: ['**/activities/**', '**/activities'],
              allowTypeImports: true,
              message: 'Import activity types with `import type`; call them through proxyActivities.',
            },
          ],
        },
      ],
    },
  },
  {
    // The contract between controller, activities and workflows: workflows import it, so it obeys the sandbox too,
    // and it imports nothing above the models.
    files: ['src/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...SANDBOX,
            {
              group: ['**/activities/**', '**/activities', '**/workflows/**', '**/workflows', '**/controller/**'],
              message: 'The contracts import nothing above the models: move the shared shape here instead.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' },
    },
  },
);
