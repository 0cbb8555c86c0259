// Loads partner definitions from PARTNERS_DIR (*.yaml, *.yml, *.json). A bad file is reported by
// name and skipped; the others still load.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";
import { partnerDefinitionSchema, type PartnerDefinition } from "#src/feeds-in/definition.js";
import { fieldsOf } from "#src/validate.js";

export interface DefinitionFileError {
  file: string;
  error: string;
}

export interface LoadedDefinitions {
  partners: PartnerDefinition[];
  errors: DefinitionFileError[];
  /**
   * Every file of a readable folder loaded: only then is a file partner missing from `partners`
   * known to be removed (a bad file, or a folder that is not there, may hide its definition).
   */
  complete: boolean;
}

const EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

export function loadDefinitions(dir: string): LoadedDefinitions {
  const result: LoadedDefinitions = { partners: [], errors: [], complete: false };
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => EXTENSIONS.has(path.extname(f).toLowerCase()))
      .sort();
  } catch {
    return result; // No directory: no file partners (and none known to be removed).
  }
  const seen = new Map<string, string>();
  for (const file of files) {
    const full = path.join(dir, file);
    try {
      const definition = readDefinition(full, dir);
      const other = seen.get(definition.slug);
      if (other) throw new Error(`slug "${definition.slug}" is already defined in ${other}`);
      seen.set(definition.slug, file);
      result.partners.push(definition);
    } catch (error) {
      result.errors.push({ file, error: (error as Error).message });
    }
  }
  result.complete = result.errors.length === 0;
  return result;
}

function readDefinition(file: string, dir: string): PartnerDefinition {
  if (statSync(file).size > 256 * 1024) throw new Error("file is larger than 256 KiB");
  const text = readFileSync(file, "utf8");
  let data: unknown;
  try {
    data = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new Error(`not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`);
  }
  const parsed = partnerDefinitionSchema.safeParse(resolveFileUrl(data, dir));
  if (!parsed.success) {
    const fields = fieldsOf(parsed.error);
    throw new Error(
      Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join("; "),
    );
  }
  return parsed.data;
}

/** `url: "file:demo/wire.xml"` is relative to the definitions folder (a feed delivered as a file). */
function resolveFileUrl(data: unknown, dir: string): unknown {
  if (!data || typeof data !== "object") return data;
  const url = (data as { url?: unknown }).url;
  if (typeof url !== "string" || !/^file:(?!\/)/i.test(url)) return data;
  return { ...data, url: pathToFileURL(path.resolve(dir, url.slice("file:".length))).href };
}
