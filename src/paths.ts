// Where the project's own files are, wherever the process was started from.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const PUBLIC_DIR = path.join(PROJECT_ROOT, "public");
export const TEMPLATES_DIR = path.join(PROJECT_ROOT, "templates");
