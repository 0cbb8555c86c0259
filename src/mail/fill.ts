// Filling a compiled email: the Handlebars half of render.ts, without mjml, so that a render thread
// can compile the same sources (strings cross threads; functions do not) and fill them the same way.
import Handlebars from "handlebars";

/** The Handlebars sources of one email: the HTML mjml produced, and the plain-text part. */
export interface TemplateSource {
  html: string;
  text: string;
}

export interface CompiledEmail {
  html(data: object): string;
  text(data: object): string;
  /** What it was compiled from; absent for hand-made templates (tests), which then fill on the main thread. */
  source?: TemplateSource;
}

const handlebars = Handlebars.create();

/** A value as `{{value}}` writes it in an HTML template. */
export function escapeHtml(value: string): string {
  return handlebars.Utils.escapeExpression(value);
}

/** Same options on every thread, so a template fills to the same bytes wherever it runs. */
export function compileSource(source: TemplateSource): CompiledEmail {
  const html = handlebars.compile(source.html, { strict: false });
  const text = handlebars.compile(source.text, { noEscape: true });
  return { html: (data) => html(data), text: (data) => text(data), source };
}
