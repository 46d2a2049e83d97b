// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** The architecture's import boundaries (docs/architecture.md § Boundaries). A forbidden import fails lint. */
const boundary = (message, extra = {}) => ({
  'no-restricted-imports': ['error', { paths: extra.paths ?? [], patterns: extra.patterns ?? [] }],
  'no-restricted-syntax': ['error', { selector: "ImportExpression[source.value='electron']", message }],
});

const ipcOnly = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Only electron/main/ipc.ts and the preload may touch ipcMain / ipcRenderer.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '.tmp/**', 'town-crier-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      ...boundary('The renderer never loads electron', {
        paths: [
          {
            name: 'electron',
            message: 'The renderer never imports electron: use the typed client in renderer/src/api.ts.',
          },
          ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a browser: no Node built-ins.' })),
        ],
        patterns: [
          {
            group: ['**/electron/**'],
            message: 'The renderer never imports electron/ code: call the core through the contract.',
          },
        ],
      }),
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: boundary('shared/ is pure', {
      paths: [
        { name: 'electron', message: 'shared/ is browser-safe and pure: no electron.' },
        { name: 'react', message: 'shared/ is pure: no React.' },
        ...nodeBuiltins.map((name) => ({ name, message: 'shared/ is browser-safe: no Node built-ins.' })),
      ],
      patterns: [
        { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ imports nothing from other folders.' },
        {
          group: ['react-dom', 'react-dom/*', '@tiptap/*', 'pg', 'nodemailer'],
          message: 'shared/ is pure: no UI or server packages.',
        },
      ],
    }),
  },
  {
    files: ['electron/core/**/*.ts', 'electron/hosts/**/*.ts'],
    rules: {
      ...boundary('The core never imports electron', {
        paths: [
          {
            name: 'electron',
            message:
              'electron/core and the Node hosts never import electron: inject what you need through createCore(deps).',
          },
        ],
        patterns: [
          {
            group: ['**/renderer/**', '**/electron/main/**', '**/electron/preload/**'],
            message: 'The core does not depend on the shell or the UI.',
          },
        ],
      }),
    },
  },
  {
    files: ['electron/main/**/*.ts'],
    ignores: ['electron/main/ipc.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [ipcOnly], patterns: [{ group: ['**/renderer/**'], message: 'main does not import the renderer.' }] },
      ],
    },
  },
  {
    files: ['electron/**/*.ts', 'renderer/**/*.{ts,tsx}', 'shared/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
);
