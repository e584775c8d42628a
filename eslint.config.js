// Flat config shared by every workspace. Kept syntax-only (no type-aware rules) so lint stays fast on 2 cores;
// `tsc --noEmit` is the type gate.
import tseslint from 'typescript-eslint';

const servicePackages = ['@vigie/collector', '@vigie/classifier', '@vigie/api'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/ban-ts-comment': 'error',
      'no-console': 'off',
    },
  },
  {
    // Services depend on packages, never on each other (CONVENTIONS.md "Boundaries").
    files: ['services/**/*.ts', 'packages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: servicePackages, message: 'Services and packages must not import a service; move shared code to packages/.' },
            { group: ['**/services/*', '../../services/**'], message: 'Do not reach into another service.' },
          ],
        },
      ],
    },
  },
);
