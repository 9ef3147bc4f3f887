// The layering, checked by `npm test` (bun run lint:deps). Type-only imports do not count: a type
// says what a value looks like, not who may be called. See docs/architecture.md, "Layers".
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "No cycles between files.", from: {}, to: { circular: true } },
    {
      name: "views-only-shared",
      severity: "error",
      comment: "Views are pure functions of their props: they import other views and src/shared only.",
      from: { path: "^views/" },
      to: { path: "^src/", pathNot: "^src/shared/" },
    },
    {
      name: "cli-only-shared",
      severity: "error",
      comment: "da shares only src/shared with the server.",
      from: { path: "^cli/" },
      to: { path: "^(src|views)/", pathNot: "^src/shared/" },
    },
    {
      name: "db-is-the-bottom",
      severity: "error",
      comment: "src/db imports nothing above it (auth effects reach it as opaque Transaction.onCommit effects).",
      from: { path: "^src/db/" },
      to: { path: "^(src|views)/", pathNot: "^src/(db|shared)/|^src/(clock|log)\\.ts$" },
    },
    {
      name: "auth-over-db-only",
      severity: "error",
      comment: "src/auth reaches the database layer and src/shared only.",
      from: { path: "^src/auth/" },
      to: { path: "^(src|views)/", pathNot: "^src/(auth|db|shared)/|^src/(clock|log)\\.ts$" },
    },
    {
      name: "http-knows-no-module",
      severity: "error",
      comment: "src/http is plumbing: it never imports a module or a view.",
      from: { path: "^src/http/" },
      to: { path: "^(src/modules|views)/" },
    },
    {
      name: "config-knows-no-module",
      severity: "error",
      from: { path: "^src/config\\.ts$" },
      to: { path: "^src/modules/" },
    },
    {
      name: "modules-through-their-service",
      severity: "error",
      comment: "A module reaches another module only through its public service files: never its SQL (repository), routes (index, api, pages) or request schemas (model).",
      from: { path: "^src/modules/([^/]+)/" },
      to: { path: "^src/modules/[^/]+/(.*repository|index|api|model|.*pages)\\.tsx?$", pathNot: "^src/modules/$1/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(node_modules|dist|data)/" },
  },
};
