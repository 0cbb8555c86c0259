import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { CONFIG_SCHEMA, CONFIG_VARIABLES } from "#src/config.js";
import { readDocument, tableRows } from "#test/docs/markdown.js";

interface Documented {
  name: string;
  /** The literal default (a lone code span in the default column), or undefined when the column describes it in words. */
  literalDefault: string | undefined;
  defaultText: string;
  examples: string[];
}

/** The rows of docs/configuration.md's tables: | `NAME` | default | meaning | example |. */
function documentedVariables(text: string): Documented[] {
  return tableRows(text).flatMap((cells) => {
    const name = /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[0] ?? "")?.[1];
    if (!name) return [];
    const defaultText = cells[1] ?? "";
    const literalDefault = /^`([^`]+)`(?:\s+\([^`]*\))?$/.exec(defaultText)?.[1];
    const examples = [...(cells[3] ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    return [{ name, literalDefault, defaultText, examples }];
  });
}

const fields = CONFIG_SCHEMA.shape as Record<string, z.ZodType>;

/** The value a variable takes when it is unset, or undefined when it has none. */
function defaultOf(name: string): unknown {
  const parsed = fields[name]!.safeParse(undefined);
  return parsed.success ? parsed.data : undefined;
}

/** Everything wrong with the documentation of the variables config.ts reads. */
function problemsOf(text: string): string[] {
  const documented = documentedVariables(text);
  const names = documented.map((d) => d.name);
  const problems = [
    ...CONFIG_VARIABLES.filter((name) => !names.includes(name)).map((name) => `${name}: read by config.ts, missing from the doc`),
    ...names.filter((name) => !CONFIG_VARIABLES.includes(name)).map((name) => `${name}: in the doc, not read by config.ts`),
    ...names.filter((name, i) => names.indexOf(name) !== i).map((name) => `${name}: documented twice`),
  ];
  for (const { name, literalDefault, defaultText, examples } of documented.filter((d) => CONFIG_VARIABLES.includes(d.name))) {
    const actual = defaultOf(name);
    if (actual === undefined && literalDefault !== undefined) problems.push(`${name}: the doc gives the default \`${literalDefault}\`, config.ts has none`);
    if (actual !== undefined && literalDefault === undefined)
      problems.push(`${name}: config.ts defaults to ${JSON.stringify(actual)}, the doc says "${defaultText}"`);
    if (actual !== undefined && literalDefault !== undefined) {
      const documentedValue = fields[name]!.safeParse(literalDefault);
      if (!documentedValue.success || JSON.stringify(documentedValue.data) !== JSON.stringify(actual)) {
        problems.push(`${name}: the doc gives the default \`${literalDefault}\`, config.ts has ${JSON.stringify(actual)}`);
      }
    }
    if (examples.length === 0) problems.push(`${name}: no example`);
    for (const example of examples) if (!fields[name]!.safeParse(example).success) problems.push(`${name}: the example \`${example}\` is refused`);
  }
  return problems;
}

describe("docs/configuration.md", () => {
  const doc = readDocument("docs/configuration.md");

  it("documents every variable config.ts reads, and no other, with its default and a valid example", () => {
    expect(problemsOf(doc)).toEqual([]);
  });

  it("notices a variable missing from the doc, one config.ts does not read, and a wrong default", () => {
    const withoutPort = doc.replace(/^\| `PORT` \|.*\n/m, "");
    expect(problemsOf(withoutPort)).toEqual(["PORT: read by config.ts, missing from the doc"]);
    const extra = `${doc}\n| \`NO_SUCH_SETTING\` | \`1\` | nothing | \`2\` |\n`;
    expect(problemsOf(extra)).toEqual(["NO_SUCH_SETTING: in the doc, not read by config.ts"]);
    const wrongDefault = doc.replace(/^(\| `FEED_PAGE_SIZE` \| )`50`/m, "$1`51`");
    expect(problemsOf(wrongDefault)).toEqual(["FEED_PAGE_SIZE: the doc gives the default `51`, config.ts has 50"]);
  });
});
