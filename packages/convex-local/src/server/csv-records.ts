/**
 * A small RFC 4180 CSV reader for `npx convex import --format csv`: quoted
 * cells (with `""` escapes and line breaks inside), `\n` or `\r\n` rows.
 */

/** A malformed CSV input: the reason and the 1-based row where it was found. */
export class CsvSyntaxError extends Error {
  readonly row: number;

  constructor(message: string, row: number) {
    super(message);
    this.name = "CsvSyntaxError";
    this.row = row;
  }
}

/**
 * The rows of a CSV text, each an array of cells; a final empty line is not a row.
 *
 * @example
 * ```ts
 * csvRecords('a,b\n1,"x, ""y"""\n'); // [["a", "b"], ["1", 'x, "y"']]
 * ```
 */
export function csvRecords(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let cellStarted = false;
  const endCell = () => {
    row.push(cell);
    cell = "";
    cellStarted = false;
  };
  const endRow = () => {
    endCell();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char !== '"') cell += char;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
      continue;
    }
    if (char === '"' && !cellStarted) {
      quoted = true;
      cellStarted = true;
    } else if (char === ",") endCell();
    else if (char === "\n") endRow();
    else if (char === "\r" && text[i + 1] === "\n") {
      endRow();
      i++;
    } else {
      cell += char;
      cellStarted = true;
    }
  }
  if (quoted) throw new CsvSyntaxError("a quoted cell is not closed", rows.length + 1);
  if (cellStarted || row.length > 0) endRow();
  return rows;
}
