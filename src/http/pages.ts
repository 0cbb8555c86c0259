// Server-side pages: Handlebars templates in templates/pages/, each rendered inside layout.hbs.
// Compiled once; escaping is Handlebars' default ({{ }}), so user input never becomes markup.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";

export interface PageRenderer {
  render(name: string, data: Record<string, unknown> & { title: string }): string;
}

export interface SiteInfo {
  publisherName: string;
  language: string;
}

export function createPageRenderer(dir: string, site: SiteInfo): PageRenderer {
  const handlebars = Handlebars.create();
  handlebars.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  for (const file of safeList(path.join(dir, "partials"))) {
    handlebars.registerPartial(path.basename(file, ".hbs"), readFileSync(path.join(dir, "partials", file), "utf8"));
  }
  const layout = handlebars.compile(readFileSync(path.join(dir, "layout.hbs"), "utf8"));
  const pages = new Map<string, HandlebarsTemplateDelegate>();
  const page = (name: string) => {
    let compiled = pages.get(name);
    if (!compiled) pages.set(name, (compiled = handlebars.compile(readFileSync(path.join(dir, `${name}.hbs`), "utf8"))));
    return compiled;
  };
  return {
    render(name, data) {
      const context = { ...data, site };
      return layout({ ...context, body: page(name)(context) });
    },
  };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".hbs"));
  } catch {
    return [];
  }
}
