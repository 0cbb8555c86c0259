// npm run digest -- --frequency daily|weekly [--dry-run]
// Runs an edition now for every active subscriber of that frequency and waits until it is done,
// with progress on a terminal. --dry-run renders every digest into DATA_DIR/outbox and records nothing.
import { createMailer } from "#src/mail/transport.js";
import { plural } from "#src/plural.js";
import { args, progress, runScript } from "./lib/cli.js";

const options = args({ frequency: { type: "string", default: "daily" }, "dry-run": { type: "boolean", default: false } });
const frequency = options.frequency;
if (frequency !== "daily" && frequency !== "weekly") {
  console.error(`digest: --frequency must be daily or weekly, not "${frequency}"`);
  process.exit(2);
}

await runScript(async ({ config, services, baseUrl }) => {
  const digest = services.createDigest(baseUrl);
  if (options["dry-run"]) {
    const outbox = createMailer({ dataDir: config.dataDir, from: config.mailFrom });
    const total = (await services.store.digests.activeSubscribers(frequency)).length;
    const bar = progress("dry run", total);
    const { subscribers, written } = await digest.dryRun(frequency, outbox, (done) => bar.update(done));
    const seconds = bar.done();
    console.log(
      `digest: dry run: ${plural(written, `${frequency} digest`)} written into ${config.dataDir}/outbox for ${plural(subscribers, "subscriber")} (${subscribers - written} with nothing new) in ${seconds.toFixed(1)} s; nothing sent or recorded`,
    );
    return;
  }
  const id = await digest.startEdition(frequency);
  const { counts } = await digest.edition(id);
  const total = counts.pending;
  const bar = progress(`edition ${id}`, total);
  await digest.drain({ editionId: id, onProgress: (r) => bar.update(r.sent + r.skipped + r.failed) });
  // Temporary failures wait for their retry time: keep draining until every delivery is final.
  for (;;) {
    const status = await digest.edition(id);
    bar.update(status.counts.sent + status.counts.skipped + status.counts.failed);
    if (status.status === "done") break;
    await new Promise((r) => setTimeout(r, 1000));
    await digest.drain({ editionId: id });
  }
  const seconds = bar.done();
  const final = await digest.edition(id);
  const c = final.counts;
  console.log(
    `digest: edition ${id} (${frequency}): ${c.sent} sent, ${c.skipped} skipped, ${c.failed} failed of ${total} in ${seconds.toFixed(1)} s (${(total / Math.max(seconds, 0.001)).toFixed(0)}/s)`,
  );
});
