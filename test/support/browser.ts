// Headless Debian Chromium through playwright-core, launched the way this machine needs it.
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { PROJECT_ROOT } from "#src/paths.js";

export function launchChromium(): Promise<Browser> {
  // Under `npm run test:clock` the service's clock is moved by libfaketime; Chromium hangs with it
  // preloaded, so the browser keeps the real clock (pages are dated by the server).
  const { LD_PRELOAD: _preload, FAKETIME: _faketime, ...env } = process.env;
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    env: env as Record<string, string>,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
}

/** Where a browser test keeps its screenshots: test-results/<name>/, created on first use. */
export function screenshotDir(name: string): string {
  const dir = path.join(PROJECT_ROOT, "test-results", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A page at the given width (height 900), optionally with JavaScript off, in its own context. */
export async function openPage(browser: Browser, width: number, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, ...options });
  return context.newPage();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const AXE_SOURCE = path.join(PROJECT_ROOT, "node_modules", "axe-core", "axe.min.js");

/**
 * axe-core's violations on the page as it is now (WCAG 2.x A and AA plus best practices), each with
 * the selectors of the offending nodes. axe runs as a script in the page: its context needs
 * JavaScript on (check script-free pages in a second context with scripts allowed).
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: readFileSync(AXE_SOURCE, "utf8") });
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: unknown[] }> } }).axe;
    const report = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } });
    return report.violations as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  });
  return result.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
}

/**
 * openPage for pages the app serves with its Content-Security-Policy (script-src 'self'): the
 * context bypasses CSP so that axeViolations can add axe-core to the page as an inline script.
 */
export async function openAuditPage(browser: Browser, width: number, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true, ...options });
  return context.newPage();
}

/** The two widths every public page is checked at: a phone and a desktop. */
export const PAGE_WIDTHS = [
  [375, "phone"],
  [1280, "desktop"],
] as const;

/** Chromium for one describe block: launched in beforeAll, closed in afterAll; read `.browser` inside hooks and tests. */
export function useChromium(): { readonly browser: Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error("useChromium: Chromium starts in beforeAll; read .browser inside a hook or test");
      return browser;
    },
  };
}

/** Runs `use` on a fresh page at this width (height 900) in its own context, closed afterwards. */
export async function withPage<T>(browser: Browser, width: number, options: ContextOptions, use: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, ...options });
  try {
    return await use(await context.newPage());
  } finally {
    await context.close();
  }
}
type ContextOptions = NonNullable<Parameters<Browser["newContext"]>[0]>;
