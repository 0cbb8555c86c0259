import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "#src/paths.js";
import { documentPaths, headingAnchors, linksIn, npmScriptsNamed, readDocument, repositoryPathsNamed } from "#test/docs/markdown.js";

const scripts = Object.keys((JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);

/** What is wrong with a link from `document` to `target`, or undefined when it resolves inside the repository. */
function linkProblem(document: string, target: string): string | undefined {
  // The running service (`npm start`) is the one web address the docs may point to.
  if (/^https?:\/\/localhost(:\d+)?(\/|$)/i.test(target)) return undefined;
  if (/^(https?|mailto):/i.test(target)) return "leaves the repository (a web address)";
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("/")) return "is not a path relative to the document";
  const [file = "", anchor] = target.split("#", 2) as [string, string | undefined];
  const resolved = file ? path.resolve(path.dirname(path.join(PROJECT_ROOT, document)), decodeURIComponent(file)) : path.join(PROJECT_ROOT, document);
  const inside = path.relative(PROJECT_ROOT, resolved);
  if (inside.startsWith("..") || path.isAbsolute(inside)) return "leaves the repository";
  if (!existsSync(resolved)) return "names a file that does not exist";
  if (anchor === undefined || !resolved.endsWith(".md") || statSync(resolved).isDirectory()) return undefined;
  return headingAnchors(readFileSync(resolved, "utf8")).has(anchor) ? undefined : `names #${anchor}, which is no heading of ${inside}`;
}

describe("documentation links", () => {
  it.each(documentPaths())("%s: every link resolves inside the repository", (document) => {
    const problems = linksIn(readDocument(document)).flatMap(({ target, line }) => {
      const problem = linkProblem(document, target);
      return problem ? [`${document}:${line}: (${target}) ${problem}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it.each(documentPaths())("%s: every npm script it names exists", (document) => {
    const missing = npmScriptsNamed(readDocument(document)).filter((name) => !scripts.includes(name));
    expect(missing).toEqual([]);
  });

  it.each(documentPaths())("%s: every repository path it names exists", (document) => {
    const missing = repositoryPathsNamed(readDocument(document)).filter((named) => !existsSync(path.join(PROJECT_ROOT, named)));
    expect(missing).toEqual([]);
  });

  it("reads links, anchors and script names the way a reader does", () => {
    const text =
      "# Deployment: PostgreSQL, Redis\n## Metrics\n## Metrics\n```sh\n[not](a-link.md)\n```\nSee [x](docs/a.md#b) and `[code](c.md)`; run `npm run --silent deps:check` or npm run migrate.";
    expect([...headingAnchors(text)]).toEqual(["deployment-postgresql-redis", "metrics", "metrics-1"]);
    expect(linksIn(text)).toEqual([{ target: "docs/a.md#b", line: 7 }]);
    expect(npmScriptsNamed(text)).toEqual(["deps:check", "migrate"]);
    expect(repositoryPathsNamed("`src/metrics.ts`, `test/fixtures/<step>/`, `src/x.ts` and `npm test`")).toEqual(["src/metrics.ts", "src/x.ts"]);
    expect(linkProblem("README.md", "../elsewhere/NOTES.md")).toBe("leaves the repository");
    expect(linkProblem("docs/feeds.md", "../../x.md")).toBe("leaves the repository");
    expect(linkProblem("README.md", "docs/none.md")).toBe("names a file that does not exist");
    expect(linkProblem("README.md", "#no-such-heading")).toMatch(/^names #no-such-heading/);
  });
});
