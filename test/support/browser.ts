// Headless Debian Chromium through playwright-core, launched the way this machine needs it.
import { chromium, type Browser } from "playwright-core";

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
