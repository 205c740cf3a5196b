import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import unitOfWork from './eslint-rules/unit-of-work.js';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      ecmaVersion: 2022,
      sourceType: 'module',
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Every write goes through one unit of work (packages/api/src/db/database.ts):
    // only db/ opens connections and transactions; everything else takes a
    // `db: Database`, reads through db.read and writes inside db.write(em => …).
    files: ['packages/api/src/**/*.ts', 'packages/api/bench/**/*.ts'],
    ignores: ['packages/api/src/db/**'],
    plugins: { colloquy: { rules: { 'writes-through-unit-of-work': unitOfWork } } },
    rules: {
      'colloquy/writes-through-unit-of-work': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'typeorm',
              importNames: ['DataSource'],
              message: 'Only src/db/ holds connections: take a `db: Database` instead.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='transaction']",
          message:
            'Use db.write(em => …): it joins an open unit of work instead of nesting a transaction.',
        },
        {
          selector: "MemberExpression[property.name='manager']",
          message:
            "A DataSource's manager writes outside the unit of work: use db.read or db.write.",
        },
        {
          selector: "MemberExpression[property.name=/^(writer|reader)$/][object.name='db']",
          message: 'The raw connections are for src/db/ and tests: use db.read or db.write.',
        },
      ],
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: {
        parser: tseslint.parser,
        extraFileExtensions: ['.vue'],
        sourceType: 'module',
      },
    },
    rules: {
      // Formatting is Prettier's job.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
);
