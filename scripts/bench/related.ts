// npm run bench -- related [--sizes 10000,100000] [--queries 1000] [--baseline-queries 100]
// 1. Quality: precision@3 on the judged set (test/fixtures/related/), vs the newest stories of the
//    same category.
// 2. Speed: related stories for one article over N synthetic stored articles: the warm index
//    (build once, then query: any story, one of 100 popular ones (cached), and an update) vs the per-edition relator over the same articles (build,
//    then each first query scores every article).
import v8 from "node:v8";
import vm from "node:vm";
import { createRelator, type RelatableArticle } from "#src/related/relate.js";
import { createRelatedIndex } from "#src/related/warm-index.js";
import { judgedArticles, judgedPairs, precisionAt, sameCategoryNewest } from "#test/related/quality.js";
import { createRandom, syntheticArticles } from "./_related-articles.js";
import { args, printResult } from "../lib/cli.js";

const options = args({
  sizes: { type: "string", default: "10000,100000" },
  queries: { type: "string", default: "1000" },
  "baseline-queries": { type: "string", default: "100" },
});
const SIZES = options.sizes.split(",").map(Number);
const QUERIES = Number(options.queries);
const BASELINE_QUERIES = Number(options["baseline-queries"]);
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const quality = {
  judgedPairs: judgedPairs.length,
  judgedStories: new Set(judgedPairs.filter((p) => p.related).map((p) => p.a)).size,
  precisionAt3: precisionAt(3, (s) => createRelatedIndex(judgedArticles).related(s.articleId, new Set(), 3)),
  baselineSameCategoryNewestPrecisionAt3: precisionAt(3, sameCategoryNewest(judgedArticles, 3)),
};
console.log(`judged set: ${quality.judgedPairs} pairs over ${quality.judgedStories} stories`);
console.log(`precision@3: related ${quality.precisionAt3.toFixed(3)}, same category newest first ${quality.baselineSameCategoryNewestPrecisionAt3.toFixed(3)}`);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
function timeEach(count: number, random: () => number, n: number, run: (id: number) => void) {
  const times: number[] = [];
  // CPU time too: on a loaded machine the wall clock of the slowest queries is mostly waiting for a core.
  const cpuTimes: number[] = [];
  for (let q = 0; q < count; q++) {
    const id = 1 + Math.floor(random() * n);
    const cpu = process.cpuUsage();
    const t = performance.now();
    run(id);
    times.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  times.sort((x, y) => x - y);
  cpuTimes.sort((x, y) => x - y);
  return {
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    maxMs: times.at(-1)!,
    cpuP50Ms: percentile(cpuTimes, 50),
    cpuP99Ms: percentile(cpuTimes, 99),
  };
}
function measured<T>(build: () => T) {
  gc();
  const before = process.memoryUsage().heapUsed;
  const t = performance.now();
  const value = build();
  const seconds = (performance.now() - t) / 1000;
  gc();
  return { value, seconds, heapMb: (process.memoryUsage().heapUsed - before) / 1e6 };
}

const now = new Date();
const speed: Record<string, unknown> = {};
for (const n of SIZES) {
  const articles = syntheticArticles(n, now);
  const random = createRandom(n);
  const warm = measured(() => createRelatedIndex(articles));
  timeEach(50, random, n, (id) => warm.value.related(id, new Set(), 3)); // warm-up: JIT, caches
  const query = timeEach(QUERIES, random, n, (id) => warm.value.related(id, new Set(), 3));
  const repeated = timeEach(QUERIES, createRandom(7), 100, (id) => warm.value.related(id * 997, new Set(), 3)); // 100 popular stories
  const update = timeEach(200, random, n, (id) => warm.value.upsert(edit(warm.value.get(id)!)));
  const edition = measured(() => createRelator(articles, { now, maxAgeDays: 366 }));
  const editionQuery = timeEach(BASELINE_QUERIES, random, n, (id) => edition.value.related(id, new Set(), 3));
  speed[`n${n}`] = {
    index: {
      buildSeconds: warm.seconds,
      heapMb: warm.heapMb,
      ...query,
      popularP50Ms: repeated.p50Ms,
      popularP99Ms: repeated.p99Ms,
      updateP50Ms: update.p50Ms,
      updateP99Ms: update.p99Ms,
    },
    baselinePerEditionRelator: {
      buildSeconds: edition.seconds,
      heapMb: edition.heapMb,
      ...editionQuery,
      buildPlusOneQuerySeconds: edition.seconds + editionQuery.p50Ms / 1000,
    },
  };
  console.log(
    `${n} articles: index build ${warm.seconds.toFixed(1)} s, ${warm.heapMb.toFixed(0)} MB, query p50 ${query.p50Ms.toFixed(2)} ms p99 ${query.p99Ms.toFixed(2)} ms (CPU p99 ${query.cpuP99Ms.toFixed(2)} ms), popular (cached) p99 ${repeated.p99Ms.toFixed(2)} ms, update p50 ${update.p50Ms.toFixed(2)} ms` +
      ` | per-edition relator build ${edition.seconds.toFixed(1)} s, ${edition.heapMb.toFixed(0)} MB, query p50 ${editionQuery.p50Ms.toFixed(2)} ms p99 ${editionQuery.p99Ms.toFixed(2)} ms (CPU p99 ${editionQuery.cpuP99Ms.toFixed(2)} ms)`,
  );
}

function edit(a: RelatableArticle): RelatableArticle {
  return { ...a, title: `${a.title} update`, tags: [...a.tags].reverse() };
}

printResult("related", { ...quality, ...speed, queries: QUERIES, baselineQueries: BASELINE_QUERIES });
