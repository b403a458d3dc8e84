import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'demo-dist/**', 'docs-api/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.device/**'] },
  js.configs.recommended,
  // Type-aware: rules that read the types (floating promises, unsafe any, needless assertions).
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', '*.cjs', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Plain JavaScript (configs, scripts that run before anything is compiled): no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { URL: 'readonly', process: 'readonly', console: 'readonly' } },
  },
  {
    // The peer benchmark's plain-JavaScript peers (bench/peers/src): Node scripts and the Chromium page.
    files: ['bench/peers/src/**/*.js', 'bench/peers/src/**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(
        ['window', 'self', 'document', 'navigator', 'fetch', 'performance', 'Buffer', 'console', 'GPUBufferUsage', 'GPUMapMode', 'process', 'setImmediate'].map((g) => [
          g,
          'readonly',
        ]),
      ),
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
