/**
 * Module boundaries (issue #18), checked by `npm run deps:check` (run by `make test`). The layers and the reasons
 * for each rule: docs/architecture.md, "Rules the checker enforces".
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No runtime import cycle between files: ESM evaluates one of them half-initialised (a class used before ' +
        'its definition, decorators reading undefined). Cycles closed by a type-only import are erased at compile ' +
        'time and allowed here, and so are cycles through entities (TypeORM relations name each other lazily, ' +
        '`() => Other`, and need both classes); between modules no cycle is allowed: ' +
        'see no-module-cycles (.dependency-cruiser.modules.cjs).',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'], pathNot: '\\.entity\\.ts$' } },
    },
    {
      name: 'no-foreign-repository-or-entity',
      severity: 'error',
      comment:
        "A module reads and writes only its own tables: another module's *.repository.ts and *.entity.ts " +
        '(*.entities.ts) are private to it; use its service (or its index.ts). Exceptions: ' +
        'src/modules/read-models/ (the cross-module read models: ledger, receivables, statement runs, which query ' +
        "other modules' tables on purpose and only read); src/database/ (the data source lists every entity, the " +
        'migrations and the schema check read them); tests (test/ and *.spec.ts) build fixtures with them. Entities ' +
        "are not exempt: a column pointing at another module's record is a uuid with @ForeignKey('Name') (the " +
        'constraint, by name, without an import), never a relation a repository could join through.',
      from: {
        path: '^src/modules/([^/]+)/',
        pathNot: ['^src/modules/read-models/', '\\.spec\\.ts$'],
      },
      to: {
        path: '^src/modules/[^/]+/.+\\.(repository|entity|entities)\\.ts$',
        pathNot: '^src/modules/$1/',
      },
    },
    {
      name: 'modules-only-through-index',
      severity: 'error',
      comment:
        "A module uses another only through that module's index.ts, the list of what it offers the others: its " +
        'Nest module, services, DTOs, types, and its entities as types only. Everything else of a module is ' +
        'private to it and may change without looking outside the folder. Exceptions: specs (a unit spec tests ' +
        "the files beside it, and may reach into a neighbour for a fixture); another module's *.entity.ts, " +
        '*.entities.ts and *.repository.ts, which no-foreign-repository-or-entity governs (read-models reads ' +
        "entities on purpose; the repositories that still query another module's table are its known violations). " +
        'Code outside src/modules (app.module.ts, src/database listing every entity, tests) is not a module.',
      from: { path: '^src/modules/([^/]+)/', pathNot: '\\.spec\\.ts$' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$', '\\.(repository|entity|entities)\\.ts$'],
      },
    },
    {
      name: 'no-own-index',
      severity: 'error',
      comment:
        "A module's files import their neighbours directly, never their own index.ts: the index loads the whole " +
        'module, so a file importing it imports itself back, a runtime cycle in which ESM evaluates one file ' +
        'half-initialised (a class used before its definition, a decorator reading undefined).',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/$1/index\\.ts$' },
    },
    {
      name: 'no-repository-or-entity-outside-modules',
      severity: 'error',
      comment:
        'The same rule for code outside src/modules (app, common, config, observability, rendering, ' +
        'infrastructure): no module repository or entity. Exceptions: src/database/ (data source, migrations, ' +
        'schema check) and tests (test/, *.spec.ts).',
      from: {
        pathNot: ['^src/modules/', '^src/database/', '^test/', '\\.spec\\.ts$'],
      },
      to: {
        path: '^src/modules/[^/]+/.+\\.(repository|entity|entities)\\.ts$',
      },
    },
    {
      name: 'rendering-and-infrastructure-know-no-modules',
      severity: 'error',
      comment:
        'src/rendering (templates, PDF, DOCX, signing) and src/infrastructure (storage, mail, queue drivers) are ' +
        'below the feature modules: they know templates, files and ports, not records. Types they share with ' +
        'modules live in rendering (or infrastructure) and the modules import them from there. Exception: specs ' +
        "(a template's sample spec checks the sample against the module's model).",
      from: { path: '^src/(rendering|infrastructure)/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'mail-leaves-only-through-the-outbox',
      severity: 'error',
      comment:
        'One way to send mail (issue #18): every mail is written to the outbox in the transaction of the record ' +
        'change that causes it and sent by its job, with retries while the server is down, one message per key and ' +
        'a status on the outbox page. Code that imported the Mailer port (src/infrastructure/mail/), or nodemailer ' +
        'itself, could send past all of that, so only the outbox may reach the port. Exceptions: the mail infrastructure itself; src/app.module.ts, which ' +
        "composes MailModule; the drivers' contract tests (test/integration/mail.*). Health and setup do not need " +
        'it (the outbox reports the mail backlog and failures). A workflow checks an address early with ' +
        'OutboxService.checkRecipients.',
      from: {
        pathNot: [
          '^src/modules/outbox/',
          '^src/infrastructure/mail/',
          '^src/app\\.module\\.ts$',
          '^test/integration/mail\\.[^/]+\\.test\\.ts$',
        ],
      },
      to: { path: ['^src/infrastructure/mail/', '(^|/)node_modules/nodemailer/'] },
    },
    {
      name: 'services-use-no-drivers',
      severity: 'error',
      comment:
        'Services hold the rules; repositories and drivers do the I/O. A *.service.ts imports no typeorm ' +
        '(use TransactionRunner and the repositories), puppeteer-core (rendering), minio (ObjectStorage) or ' +
        'nodemailer (Mailer / the outbox) — not even their types.',
      from: { path: '\\.service\\.ts$' },
      to: { path: '(^|/)node_modules/(typeorm|puppeteer-core|minio|nodemailer)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|\\.runtime)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
