// npm run migrate: applies pending migrations (createServices runs them) and says where.
import { runScript } from "./lib/cli.js";

await runScript(async ({ services }) => {
  console.log(`migrate: ${services.store.db.location} is up to date`);
});
