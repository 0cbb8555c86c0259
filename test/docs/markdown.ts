// Reading the project's markdown the way a reader (and GitHub) sees it: tables, links, headings.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "#src/paths.js";

/** The documents a newcomer or an operator reads, relative to the project root. */
export function documentPaths(): string[] {
  const docs = readdirSync(path.join(PROJECT_ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`);
  return ["README.md", "CHANGELOG.md", "GLOSSARY.md", ...docs.sort()];
}

export function readDocument(relativePath: string): string {
  return readFileSync(path.join(PROJECT_ROOT, relativePath), "utf8");
}

/** The text with fenced code blocks blanked out (line numbers kept), so examples are not read as links or tables. */
function withoutCodeBlocks(text: string): string {
  let fence: string | undefined;
  return text
    .split("\n")
    .map((line) => {
      const marker = /^\s*(```+|~~~+)/.exec(line)?.[1];
      if (marker && (!fence || marker.startsWith(fence))) {
        fence = fence ? undefined : marker;
        return "";
      }
      return fence ? "" : line;
    })
    .join("\n");
}

/** The cells of every table row ("| a | b |"), header and separator rows included; `\|` stays inside its cell. */
export function tableRows(text: string): string[][] {
  return withoutCodeBlocks(text)
    .split("\n")
    .filter((line) => line.trimStart().startsWith("|"))
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, "")
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/\\\|/g, "|")),
    );
}

interface Link {
  target: string;
  line: number;
}

/** Inline links and images (`[text](target)`), outside code blocks and code spans. */
export function linksIn(text: string): Link[] {
  const links: Link[] = [];
  withoutCodeBlocks(text)
    .split("\n")
    .forEach((line, index) => {
      const prose = line.replace(/`[^`]*`/g, "");
      for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ target: match[1]!, line: index + 1 });
    });
  return links;
}

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocks(text).split("\n")) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const plain = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const slug = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Every `npm run <script>`, `npm start` and `npm test` the text names, code included. */
export function npmScriptsNamed(text: string): string[] {
  const named = [...text.matchAll(/\bnpm run(?:\s+--?[a-z-]+)*\s+([a-z][\w:.-]*)/g)].map((m) => m[1]!.replace(/[.:-]+$/, ""));
  const builtIn = [...text.matchAll(/\bnpm (start|test)\b/g)].map((m) => m[1]!);
  return [...new Set([...named, ...builtIn])];
}

/** The contents of the fenced code blocks tagged `language` (```yaml … ```). */
export function codeBlocks(text: string, language: string): string[] {
  return [...text.matchAll(/^```(\S*)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === language).map((m) => m[2]!);
}

/** Repository paths the prose names in code spans (`src/metrics.ts`, `test/support/`), placeholders left out. */
export function repositoryPathsNamed(text: string): string[] {
  const spans = [...withoutCodeBlocks(text).matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim());
  return [...new Set(spans.filter((span) => /^(src|scripts|test|templates|feeds|public|docs)\/[^\s<>{}*…|]*$/.test(span)))];
}
