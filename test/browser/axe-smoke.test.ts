import { describe, expect, it } from "vitest";
import { axeViolations, launchChromium, openPage } from "#test/support/browser.js";

describe("axeViolations", () => {
  it("finds a missing alt and passes a clean page", async () => {
    const browser = await launchChromium();
    try {
      const page = await openPage(browser, 375);
      await page.setContent(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>x</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>',
      );
      expect((await axeViolations(page)).map((v) => v.id)).toContain("image-alt");
      await page.setContent('<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>x</h1><p>ok</p></main></body></html>');
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
