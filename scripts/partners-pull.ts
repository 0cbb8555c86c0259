// npm run partners:pull [-- --partner <slug>]: pulls every enabled partner now (or one, enabled or
// not), whatever its schedule, and prints what happened. Exit code 1 when a pull failed.
import { plural } from "#src/plural.js";
import { args, progress, runScript } from "./lib/cli.js";

const { partner } = args({ partner: { type: "string" } });

await runScript(async ({ services }) => {
  const { errors } = await services.partners.syncDefinitions();
  for (const e of errors) console.error(`partners:pull: skipped definition ${e.file}: ${e.error}`);
  let bar: ReturnType<typeof progress> | undefined;
  const started = Date.now();
  const summary = await services.partners.pullAll((done, total) => (bar ??= progress("partners", total)).update(done), partner);
  bar?.done();
  for (const f of summary.failures) console.error(`partners:pull: ${f.slug}: ${f.error}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `partners:pull: ${plural(summary.due, "partner")} (${summary.ok} ok, ${summary.notModified} not modified, ${summary.failed} failed); ` +
      `items ${summary.new} new, ${summary.updated} updated, ${summary.unchanged} unchanged in ${seconds} s`,
  );
  if (summary.failed) process.exitCode = 1;
});
