// An imported CSV's records as they stream in, each with the line of the file it starts on.
import { pipeline, type Readable } from "node:stream";
import { parse, type CsvError, type InfoRecord, type Options } from "csv-parse";

/** A record's cells, or why csv-parse could not read it (an unbalanced quote …); `line` counts from 1, the header's. */
export type NumberedRecord = { line: number; cells: string[] } | { line: number; error: string };

type Numbered = { line: number; cells: string[] };

/**
 * A record csv-parse cannot read is reported and skipped. Lines are physical lines: a quoted cell
 * may span several, and empty lines count. Both callbacks run as the parser reads, in file order.
 */
export async function* numberedRecords(source: Readable): AsyncGenerator<NumberedRecord> {
  const skipped: NumberedRecord[] = [];
  const position = { lines: 0, empty: 0, crlf: 0 };
  const onRecord = (cells: string[], info: InfoRecord): Numbered => {
    // A record ends on info.lines; it starts after the previous one and any empty lines between.
    // csv-parse counts a CRLF inside a quoted cell as two lines: those are taken off again.
    position.crlf += cells.reduce((n, cell) => n + (cell.match(/\r\n/g)?.length ?? 0), 0);
    const line = position.lines + 1 + (info.empty_lines - position.empty);
    Object.assign(position, { lines: info.lines - position.crlf, empty: info.empty_lines });
    return { line, cells };
  };
  const onSkip = (error: CsvError | undefined): undefined => {
    if (!error) return;
    skipped.push({ line: position.lines + 1, error: `csv: ${error.message}` });
    if (typeof error.lines === "number") position.lines = error.lines - position.crlf;
  };
  const options: Options<Numbered, string[]> = {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: onSkip,
    on_record: onRecord,
  };
  // Its typings let on_record change a record's type only together with `columns`.
  const parser = parse(options as unknown as Options);
  pipeline(source, parser, () => {});
  for await (const record of parser as AsyncIterable<Numbered>) {
    while (skipped.length && skipped[0]!.line < record.line) yield skipped.shift()!;
    yield record;
  }
  yield* skipped;
}
