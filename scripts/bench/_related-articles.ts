// Synthetic stored articles for `npm run bench -- related`: news-like titles and summaries (function
// words, general news words and the words of one of many running stories), tags from the story and
// from a few broad subjects, four categories, publication times spread over a year. Seeded.
import type { RelatableArticle } from "#src/related/relate.js";

const FUNCTION_WORDS = "the a an of to in on for with and as at by from after over is are was were will has have that this its their new".split(" ");
const NEWS_WORDS = (
  "officials said report plan week year month government leaders state city people talks vote deal court law bill " +
  "first second last public federal national local record early late rise fall cut call move push warn set hold " +
  "meet back open close end start test group million billion percent share price rate group service service agency"
).split(" ");
const CATEGORIES = ["us-military", "us-news", "world", "science"];
const BROAD_TAGS = "congress economy elections climate courts health energy security trade technology".split(" ");

export function createRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` articles about `count / 25` running stories (25 articles each on average), newest first within `days`. */
export function syntheticArticles(count: number, now: Date, options: { days?: number; seed?: number } = {}): RelatableArticle[] {
  const random = createRandom(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const stories = Math.max(1, Math.round(count / 25));
  const word = (n: number) => `w${n.toString(36)}`;
  const days = options.days ?? 365;
  return Array.from({ length: count }, (_, i) => {
    const story = Math.floor(random() * stories);
    // Each story has 12 words of its own from a shared vocabulary, so stories overlap a little.
    const storyWords = Array.from({ length: 12 }, (_, k) => word((story * 7 + k * 13) % (stories * 4)));
    const sentence = (length: number) =>
      Array.from({ length }, () => {
        const r = random();
        return r < 0.35 ? pick(FUNCTION_WORDS) : r < 0.6 ? pick(NEWS_WORDS) : pick(storyWords);
      }).join(" ");
    const tags = [
      `t${story.toString(36)}`,
      ...(random() < 0.5 ? [pick(BROAD_TAGS)] : []),
      ...(random() < 0.3 ? [`t${((story + 1) % stories).toString(36)}`] : []),
    ];
    return {
      articleId: i + 1,
      slug: `story-${i + 1}`,
      title: sentence(9),
      summary: sentence(28),
      category: CATEGORIES[story % CATEGORIES.length]!,
      tags,
      publishedAt: new Date(now.getTime() - Math.floor(random() * days * 86_400_000)).toISOString(),
    };
  });
}
