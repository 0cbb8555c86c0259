// Text similarity of stories: BM25 (minisearch) over title, summary and tags. A story's query is
// its most distinctive words (the rarest in the index, as "more like this" searches do): with every
// word, stories match through "said" or "officials", and a query reads most of a large index.
import MiniSearch from "minisearch";
import type { RelatableArticle } from "#src/related/score.js";

/** How many of a story's words it is searched by. */
const QUERY_TERMS = 16;
/** Words in more than this share of the stories (and more than COMMON_FLOOR) say little and match too many. */
const COMMON_SHARE = 0.02;
const COMMON_FLOOR = 50;

const STOP_WORDS = new Set(
  (
    "a about after again all also an and any are as at be been before being between both but by can could did do does " +
    "for from had has have he her here hers him his how i if in into is it its just me more most my no nor not now of " +
    "off on once only or other our out over own s same she should so some such than that the their them then there these " +
    "they this those through to too under until up very was we were what when where which while who whom why will with " +
    "would you your says said"
  ).split(" "),
);
const tokenize = MiniSearch.getDefault("tokenize") as (text: string) => string[];
const processTerm = (term: string): string | null => {
  const t = term.toLowerCase();
  return t.length < 2 || STOP_WORDS.has(t) ? null : t;
};
const storyText = (a: RelatableArticle) => `${a.title} ${a.summary} ${a.tags.join(" ")}`;
const termsOf = (a: RelatableArticle): Set<string> => {
  const terms = new Set<string>();
  for (const token of tokenize(storyText(a))) {
    const term = processTerm(token);
    if (term) terms.add(term);
  }
  return terms;
};

export class TextIndex<T extends RelatableArticle> {
  private readonly search = new MiniSearch<T>({
    idField: "articleId",
    fields: ["title", "summary", "tagText"],
    // The id stays a number: stringified, it would never match an articleId in the score map.
    extractField: (doc, field) =>
      field === "articleId" ? doc.articleId : field === "tagText" ? doc.tags.join(" ") : String((doc as unknown as Record<string, unknown>)[field] ?? ""),
    processTerm,
    searchOptions: { boost: { title: 2, tagText: 2 }, combineWith: "OR", prefix: false, fuzzy: false },
  });
  /** In how many stories each word occurs. */
  private readonly documentFrequency = new Map<string, number>();

  add(article: T): void {
    this.search.add(article);
    for (const term of termsOf(article)) this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
  }

  addAll(articles: Iterable<T>): void {
    for (const a of articles) this.add(a);
  }

  /** Takes out an article as it was added. */
  remove(article: T): void {
    this.search.remove(article);
    for (const term of termsOf(article)) {
      const n = (this.documentFrequency.get(term) ?? 0) - 1;
      if (n > 0) this.documentFrequency.set(term, n);
      else this.documentFrequency.delete(term);
    }
  }

  /** BM25 score by article id of the stories sharing one of the story's distinctive words. */
  scores(story: RelatableArticle): Map<number, number> {
    const df = (term: string) => this.documentFrequency.get(term) ?? 0;
    const common = Math.max(COMMON_FLOOR, COMMON_SHARE * this.search.documentCount);
    // A word only the story itself has finds nothing; the rarest of the others say most about it.
    const query = [...termsOf(story)]
      .filter((t) => df(t) >= 2 && df(t) <= common)
      .sort((x, y) => df(x) - df(y) || (x < y ? -1 : x > y ? 1 : 0))
      .slice(0, QUERY_TERMS);
    if (query.length === 0) return new Map();
    return new Map(this.search.search({ combineWith: "OR", queries: query }).map((r) => [r.id as number, r.score]));
  }
}
