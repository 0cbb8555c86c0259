// Dependency rules (STYLE.md, conventions 3 and 14): no cycles, lower steps never import higher
// ones, and each library stays in the folder that owns it. `npm run deps:check` checks them.
const higherThanStore = "^src/(digest|feeds-in|feeds-out|subscribers|http|mail|jobs|admin|articles|webhooks)/";
const onlyIn = (name, folder, libraries) => ({
  name,
  comment: `${libraries} belong to ${folder}; other folders go through its functions`,
  severity: "error",
  // The product only: scripts/bench and test/ use these libraries as tools (a stub server, a reset).
  from: { path: "^src/", pathNot: `^${folder}` },
  // node_modules may be a symlink, so the resolved path can start above the project.
  to: { dependencyTypes: ["npm", "npm-dev"], path: `(^|/)node_modules/(${libraries})/` },
});

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "Modules that import each other are one module in two files: merge them or move the shared part down.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "store-imports-no-higher-step",
      comment: "The store is the lowest step: the steps above adapt to it, never the other way round.",
      severity: "error",
      from: { path: "^src/store/" },
      to: { path: higherThanStore },
    },
    {
      name: "core-steps-import-no-http",
      comment: "Digest, feeds, subscribers and webhooks know nothing of HTTP (no status codes, no express).",
      severity: "error",
      from: { path: "^src/(digest|feeds-in|feeds-out|subscribers|webhooks)/" },
      to: { path: "^src/http/" },
    },
    {
      name: "digest-declares-its-ports",
      comment: "The digest engine calls the store through digest/ports.ts; the store adapts to it.",
      severity: "error",
      from: { path: "^src/digest/" },
      to: { path: "^src/store/" },
    },
    onlyIn("express-only-in-http", "src/http/", "express|helmet|cookie-parser|express-rate-limit|pino-http"),
    onlyIn("database-only-in-store", "src/store/", "kysely|better-sqlite3|pg"),
    onlyIn("mail-libraries-only-in-mail", "src/mail/", "mjml|nodemailer"),
    {
      name: "not-to-unresolvable",
      comment: "An import that resolves to nothing is a typo or a missing dependency.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|data|test-results)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
