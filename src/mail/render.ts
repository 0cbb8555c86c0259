// Email templates: templates/<name>.mjml compiled by mjml once per template change into a Handlebars
// template, then filled per recipient (microseconds) instead of a full mjml2html (milliseconds).
// templates/<name>.txt.hbs is the plain-text part, filled from the same data.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import mjml2html from "mjml";
import { DispatchError } from "#src/errors.js";
import { compileSource, type CompiledEmail } from "#src/mail/fill.js";

export type { CompiledEmail, TemplateSource } from "#src/mail/fill.js";

export interface EmailTemplates {
  /** The compiled template, recompiled when its files changed. */
  get(name: string): Promise<CompiledEmail>;
}

class TemplateError extends DispatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("template", message, options);
  }
}

export function createEmailTemplates(dir: string): EmailTemplates {
  const cache = new Map<string, { stamp: string; compiled: CompiledEmail }>();
  return {
    async get(name) {
      const mjmlFile = path.join(dir, `${name}.mjml`);
      const textFile = path.join(dir, `${name}.txt.hbs`);
      const stamp = stampOf([mjmlFile, textFile, ...partialsOf(dir)]);
      const hit = cache.get(name);
      if (hit && hit.stamp === stamp) return hit.compiled;
      const compiled = await compile(mjmlFile, textFile);
      cache.set(name, { stamp, compiled });
      return compiled;
    },
  };
}

/** mjml2html with strict validation; errors name the template. */
export async function compileMjml(file: string): Promise<string> {
  const source = readFileSync(file, "utf8");
  try {
    // mjml 5 ignores mj-include unless told: our templates are ours, so partials are allowed.
    // `fonts: {}`: MJML otherwise links Google Fonts whenever a font stack names one of its web fonts,
    // a request to a third party at every open.
    const result = await mjml2html(source, { validationLevel: "strict", filePath: file, keepComments: false, ignoreIncludes: false, fonts: {} });
    // Indentation is a fifth of MJML's output: every message would carry it, and the SMTP client
    // encodes every byte. Our templates have no <pre>, so line-leading whitespace renders the same.
    // MJML names its wrapper (role="article") after mj-title; a named element counts as content, and
    // outside the main landmark it fails axe's "region" where the email opens as a web page. The
    // document's <title> carries the name; the templates' own main and contentinfo carry the content.
    const html = result.html.replace(/(<div) aria-label="[^"]*"( aria-roledescription="email")/, "$1$2");
    return html.replace(/\n[ \t]+/g, "\n").replace(/\n{2,}/g, "\n");
  } catch (error) {
    const details = (error as { details?: Array<{ formattedMessage: string }> }).details;
    const message = (details?.map((d) => d.formattedMessage).join("; ") ?? (error as Error).message).replace(/\s+/g, " ").trim();
    throw new TemplateError(`mail: template ${path.basename(file)} is not valid MJML: ${message}`, { cause: error });
  }
}

async function compile(mjmlFile: string, textFile: string): Promise<CompiledEmail> {
  return compileSource({ html: await compileMjml(mjmlFile), text: readFileSync(textFile, "utf8") });
}

function partialsOf(dir: string): string[] {
  const partials = path.join(dir, "partials");
  try {
    return readdirSync(partials).map((f) => path.join(partials, f));
  } catch {
    return [];
  }
}

function stampOf(files: string[]): string {
  return files
    .map((f) => {
      try {
        return String(statSync(f).mtimeMs);
      } catch {
        return "-";
      }
    })
    .join(":");
}
