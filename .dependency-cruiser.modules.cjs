/**
 * No cycle between feature modules (the folders under src/modules), whatever the kind of import (a type-only import
 * ties two modules as much as any other). A second configuration because dependency-cruiser computes folder cycles
 * over every folder of the graph: with src/database (which lists every entity) and src/config in it, each module
 * would seem to reach every other through them; here the graph holds src/modules only. Run by `npm run deps:check`.
 * The rules for files: .dependency-cruiser.cjs; why: docs/architecture.md, "Rules the checker enforces".
 * @type {import('dependency-cruiser').IConfiguration}
 */
const base = require('./.dependency-cruiser.cjs');

module.exports = {
  forbidden: [
    {
      name: 'no-module-cycles',
      scope: 'folder',
      severity: 'error',
      comment:
        'Module A imports module B (a file, its Nest module or a type) and B imports A, directly or through others. ' +
        'Break it by moving the shared type down to the module both use, or by a port: the lower module declares ' +
        'an abstract class, the upper one provides it (see auth/credential-ports.ts, users/user-ports.ts). No ' +
        "exceptions: dependency-cruiser's baseline cannot hold folder cycles, so a new one fails at once.",
      from: { path: '^src/modules/[^/]+$' },
      to: { path: '^src/modules/[^/]+$', circular: true },
    },
  ],
  options: {
    ...base.options,
    includeOnly: '^src/modules/',
    exclude: { path: '\\.spec\\.ts$' },
  },
};
