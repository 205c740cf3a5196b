// Layers of packages/api/src, checked by `pnpm lint` (depcruise):
//   lib/, db/, config.ts   the kernel: imports nothing above it
//   modules/               one folder per domain; may use the kernel and each other, without cycles
//   graphql/, app.ts …     the composition root: puts the modules together
// No import cycles, of values or types, except those closed through the
// generated resolver types (which name the modules' row types) or the GraphQL
// context (which names every module's services).
const api = '^packages/api/src/';
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other at run time: move the shared part down.',
      from: { path: api },
      to: {
        circular: true,
        // The loops allowed are those closed by generated types or the GraphQL context, which name everything.
        viaNot: `${api}(generated/|graphql/context\\.ts$)`,
      },
    },
    {
      name: 'kernel-imports-no-module',
      severity: 'error',
      comment:
        'lib/ and db/ are below the modules: they must not know them (not even their types).',
      from: { path: `${api}(lib|db)/` },
      to: {
        path: `${api}(modules|graphql|generated|seed)/|${api}(app|main|cli|startup|spa|services)\\.ts$`,
      },
    },
    {
      name: 'modules-do-not-import-the-app',
      severity: 'error',
      comment: 'A module is composed by the app, never the other way round.',
      from: { path: `${api}modules/` },
      to: {
        path: `${api}(app|main|cli|startup|spa|services)\\.ts$|${api}seed/|${api}graphql/(?!context\\.ts$)`,
      },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: api },
      to: { couldNotResolve: true, pathNot: '^(node:|[a-z@])' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'packages/api/src/generated/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
