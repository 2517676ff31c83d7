// Lint: typescript-eslint with type information, and the architecture as import rules: the engine
// and the protocol never import `vscode`; the extension imports of the engine only its pure
// run-folder helpers (src/engine/runs/*) and never TensorFlow; the webview only the protocol.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/extension/ talks to VS Code.' };
const noTf = { group: ['@tensorflow/*'], message: 'TensorFlow runs in the engine process only.' };

export default tseslint.config(
  { ignores: ['bench/.venv/**', 'bench/.work/**', 'dist/**', 'node_modules/**', 'out/**', 'test-output/**', '.robustlab/**', 'runtime/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Interfaces such as Attack.run and Objective.prepare are async by contract; some bodies are not.
      '@typescript-eslint/require-await': 'off',
      // Commands are registered as this.method and called with f.apply(this); dispose() results are void.
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Untyped Keras/TF.js configs are printed as they were written; "Norm | string" is a value or an error text.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      // TF.js ops return Tensor<Rank>; `as TF.Tensor2D` names the rank the code relies on.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true, allowAny: true, allowArray: true, allowNever: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/engine/**/*.ts', 'src/protocol/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['**/extension/**', '**/webview/**'], message: 'Data flows engine → host → webview, never back.' }] }] },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noTf, { group: ['**/engine/**', '**/extension/**', '**/webview/**'], message: 'The protocol is leaf code: it imports nothing of the project.' }] }] },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noTf, { regex: '(^|/)engine/(?!runs/|sweep/store$)', message: 'The extension reads run and sweep folders through src/engine/runs/ and src/engine/sweep/store only; everything else of the engine runs in its own process.' }] }] },
  },
  {
    files: ['webview/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noTf, { group: ['**/src/engine/**', '**/src/extension/**', 'node:*'], message: 'The webview is browser code: it imports the protocol only.' }] }] },
  },
  {
    // node:test's test() and describe() return promises the runner awaits; tests read untyped JSON on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
