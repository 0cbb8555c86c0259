// npm run bench -- <name>: runs scripts/bench/<name>.ts (feeds, partners, digest, scale).
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts" && !f.startsWith("_"))
  .map((f) => f.replace(/\.ts$/, ""));
const [name, ...rest] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join("|") || "name"}> [options]`);
  process.exit(2);
}
const file = path.join(here, `${name}.ts`);
if (!existsSync(file)) process.exit(2);
process.argv = [process.argv[0]!, file, ...rest];
await import(pathToFileURL(file).href);
