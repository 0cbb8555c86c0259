// Seeds the demo newsroom into an empty database (first start, or `npm run seed`).
import { statSync } from "node:fs";
import { escapeUTF8 } from "entities";
import path from "node:path";
import type { ArticleService } from "#src/articles/service.js";
import type { Store } from "#src/store/index.js";
import type { EngagementEvent } from "#src/model.js";
import { DEMO_ARTICLES, DEMO_CATEGORIES, demoImageFile, type DemoArticle } from "#src/demo/content.js";

import { PUBLIC_DIR } from "#src/paths.js";

export interface SeedDeps {
  store: Store;
  articles: ArticleService;
  baseUrl: string;
  now?: Date;
  onProgress?: (done: number, total: number) => void;
}

export async function seedDemo(deps: SeedDeps): Promise<{ categories: number; articles: number }> {
  const now = deps.now ?? new Date();
  for (const category of DEMO_CATEGORIES) await deps.store.categories.upsert(category, now.toISOString());
  const events: EngagementEvent[] = [];
  let done = 0;
  for (const demo of DEMO_ARTICLES) {
    await deps.articles.save(demoArticleInput(demo, deps.baseUrl, now));
    events.push(...engagementFor(demo, now));
    deps.onProgress?.(++done, DEMO_ARTICLES.length);
  }
  await deps.articles.addEngagement(events);
  return { categories: DEMO_CATEGORIES.length, articles: DEMO_ARTICLES.length };
}

function demoArticleInput(demo: DemoArticle, baseUrl: string, now: Date) {
  const file = demoImageFile(demo.slug);
  const published = new Date(now.getTime() - demo.hoursAgo * 3_600_000).toISOString();
  return {
    slug: demo.slug,
    title: demo.title,
    summary: demo.summary,
    // The demo's texts are plain text; the body is HTML made of them.
    body: [demo.summary, ...demo.paragraphs].map((p) => `<p>${escapeUTF8(p)}</p>`).join("\n"),
    author: demo.author,
    category: demo.category,
    tags: demo.tags,
    image: {
      url: `${baseUrl}/static/demo/${file}`,
      alt: demo.imageAlt,
      credit: demo.credit,
      type: "image/jpeg",
      length: statSync(path.join(PUBLIC_DIR, "demo", file)).size,
    },
    canonicalUrl: `${baseUrl}/articles/${demo.slug}`,
    publishedAt: published,
    updatedAt: published,
  };
}

/** Spreads an article's views over the days since it appeared, most on the first day. */
function engagementFor(demo: DemoArticle, now: Date): EngagementEvent[] {
  const days = Math.max(1, Math.ceil(demo.hoursAgo / 24));
  const events: EngagementEvent[] = [];
  let remaining = demo.views;
  for (let i = days - 1; i >= 0; i--) {
    const views = i === 0 ? remaining : Math.round(remaining * 0.6);
    remaining -= views;
    const day = new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10);
    events.push({ slug: demo.slug, day, views, shares: Math.round(views / 40), comments: Math.round(views / 180), clicks: 0 });
  }
  return events;
}
