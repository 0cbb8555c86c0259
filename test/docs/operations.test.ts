// docs/operations.md's examples are usable as written: alert rules name metrics Dispatch exports, and
// the container recipe copies files that exist.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_ROOT } from "#src/paths.js";
import { useTestApp } from "#test/support/app.js";
import { codeBlocks, readDocument } from "#test/docs/markdown.js";

interface AlertRule {
  alert: string;
  expr: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}

const doc = readDocument("docs/operations.md");
const yamlBlocks = codeBlocks(doc, "yaml").map((block) => parse(block) as Record<string, unknown>);
const rules = yamlBlocks.flatMap((b) => ((b.groups ?? []) as Array<{ rules: AlertRule[] }>).flatMap((g) => g.rules));

/** The metric families a scrape declares (`# TYPE name type`), with the series names a histogram adds. */
function exportedNames(scrape: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(`${name}${suffix}`);
  }
  return names;
}

describe("docs/operations.md", () => {
  const app = useTestApp("sqlite");

  it("has alert rules, each with a severity and a summary", () => {
    expect(rules.length).toBeGreaterThan(5);
    for (const rule of rules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^Dispatch[A-Z]\w+$/);
      expect(rule.labels?.severity, rule.alert).toBeTruthy();
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
    }
  });

  it("names in its alert rules only metrics that /metrics exports", async () => {
    await fetch(`${app.url}/healthz`);
    const scrape = await (await fetch(`${app.url}/metrics`)).text();
    const exported = exportedNames(scrape);
    expect(exported.has("dispatch_deliveries")).toBe(true);
    const named = rules.flatMap((rule) => [...rule.expr.matchAll(/\b(?:dispatch|nodejs|process)_[a-z0-9_]+/g)].map((m) => `${rule.alert}: ${m[0]}`));
    expect(named.length).toBeGreaterThan(rules.length);
    expect(named.filter((entry) => !exported.has(entry.split(": ")[1]!))).toEqual([]);
  });

  it("copies only files the repository has into the container image, and runs src/main.ts", () => {
    const [recipe] = codeBlocks(doc, "dockerfile");
    // Every base image is a Node.js major that package.json's engines names.
    const engines = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).engines.node as string;
    const majors = [...recipe!.matchAll(/^FROM node:(\d+)/gm)].map((m) => m[1]!);
    expect(majors.length).toBeGreaterThan(0);
    for (const major of majors) expect(engines).toMatch(new RegExp(`(\\^|>=)${major}\\.`));
    const sources = [...recipe!.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(sources).toContain("src");
    expect(sources.filter((source) => !existsSync(path.join(PROJECT_ROOT, source)))).toEqual([]);
    expect(recipe).toContain('CMD ["src/main.ts"]');
    expect(existsSync(path.join(PROJECT_ROOT, "src/main.ts"))).toBe(true);
  });
});
