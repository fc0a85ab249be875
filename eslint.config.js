// ESLint: typescript-eslint's recommended rules, no import cycles, and the layers kept (eslint-plugin-boundaries).
// `npm run lint` runs it with Prettier's check; `.ci/run` runs `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * The parts of the code, first match wins. A room (src/<room>/) keeps its layers: routes parse and
 * authorise, services hold the rules, only repo files hold SQL. Below the rooms lie the core (errors,
 * configuration, time, the database) and the HTTP helpers; above them the application that wires it
 * all (server, node, main, jobs, metrics, the web routes, CLIs, seeds). The browser code sees the
 * server only through types and the time module.
 */
const ROOMS = '{agent,availability,booking,capacity,catalog,checkin,content,feed,notify,privacy,queue,reports,staff,waitlist}';
const files = [
  { category: 'core', pattern: 'src/{errors,config,languages,log}.ts' },
  { category: 'core', pattern: 'src/{time,db}/*.ts' },
  { category: 'schemas', pattern: 'src/{http,queue}/schemas.ts' },
  { category: 'schemas', pattern: 'src/http/formats.ts' },
  { category: 'http', pattern: 'src/http/!(schemas|formats).ts' },
  { category: 'app', pattern: 'src/*.ts' },
  // Who runs periodic work is infrastructure like the pool; which work runs is the application's.
  { category: 'core', pattern: 'src/jobs/leader.ts' },
  { category: 'metrics', pattern: 'src/metrics/*.ts' },
  { category: 'app', pattern: 'src/{jobs,web,cli,seed}/*.ts' },
  { category: 'routes', pattern: `src/${ROOMS}/routes.ts` },
  { category: 'repo', pattern: `src/${ROOMS}/repo.ts` },
  { category: 'repo', pattern: 'src/capacity/sql.ts' },
  { category: 'room', pattern: `src/${ROOMS}/!(routes|repo|schemas).ts` },
  { category: 'room', pattern: 'src/notify/texts/*.ts' },
  { category: 'web', pattern: 'web/**/*.ts' },
];

/** A policy: files of `from` may import files of the `to` types, nothing else of ours. */
const layer = (from, to) => ({ from: { file: { categories: from } }, allow: { to: { file: { categories: to } } } });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', 'assets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Build scripts in plain JavaScript run on Node.
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } } },
  {
    files: ['**/*.ts'],
    plugins: { boundaries, 'import-x': importX },
    settings: {
      'boundaries/elements': [
        { type: 'src', pattern: 'src', partialMatch: false },
        { type: 'web', pattern: 'web', partialMatch: false },
      ],
      'boundaries/files': files,
      'boundaries/include': ['src/**/*.ts', 'web/**/*.ts'],
      // "./routes.js" in TypeScript source means routes.ts: resolved as tsc does.
      'import/resolver': { typescript: { project: ['tsconfig.check.json', 'web/tsconfig.json'], noWarnOnMultipleProjects: true } },
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.check.json', 'web/tsconfig.json'], noWarnOnMultipleProjects: true })],
      'boundaries/dependency-nodes': ['import', 'export'],
    },
    rules: {
      // Tests and benches drive the API with JSON of any shape; the code itself says what it means.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'boundaries/no-unknown': 'off',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          checkInternals: true,
          message: 'this import crosses the layers the wrong way (ARCHITECTURE.md: the layers)',
          policies: [
            layer('core', ['core']),
            layer('schemas', ['core', 'schemas']),
            layer('repo', ['core', 'repo', 'schemas']),
            // A statement may name a room's type (a Land, a state), never call into the room.
            { from: { file: { categories: 'repo' } }, allow: { to: { file: { categories: 'room' } }, dependency: { kind: 'type' } } },
            // Services and a room's helpers: the core, SQL (their own and other rooms' read models), other rooms' services.
            layer('room', ['core', 'schemas', 'repo', 'room']),
            layer('http', ['core', 'schemas', 'http', 'repo', 'room']),
            layer('metrics', ['core', 'schemas', 'repo', 'room', 'metrics']),
            layer('routes', ['core', 'schemas', 'http', 'repo', 'room', 'routes', 'metrics']),
            layer('app', ['core', 'schemas', 'http', 'repo', 'room', 'routes', 'metrics', 'app']),
            layer('web', ['web', 'schemas', 'core', 'room']),
          ],
        },
      ],
    },
  },
);
