// npm run seed: seeds the demo newsroom into an empty database (refuses a non-empty one).
import { plural } from "#src/plural.js";
import { progress, runScript } from "./lib/cli.js";

await runScript(async ({ services, baseUrl }) => {
  if (!(await services.store.isEmpty())) {
    console.log("seed: the database already has content; nothing seeded");
    return;
  }
  const bar = progress("seed", 30);
  const result = await services.seedDemo(baseUrl, (done) => bar.update(done));
  const seconds = bar.done();
  console.log(`seed: ${plural(result.categories, "category")}, ${plural(result.articles, "article")} in ${seconds.toFixed(1)} s`);
});
