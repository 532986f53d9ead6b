// Test helper: a strict CSV reader to check what the export writes.

/** RFC 4180: fields separated by commas, records by CRLF, quoted fields may hold , " CR LF with "" for a quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), (i += 2));
      else if (c === '"') ((quoted = false), i++);
      else ((field += c), i++);
    } else if (c === '"') {
      if (field !== "") throw new Error(`stray quote at ${i}`);
      quoted = true;
      i++;
    } else if (c === ",") (row.push(field), (field = ""), i++);
    else if (c === "\r" && text[i + 1] === "\n") (row.push(field), rows.push(row), (row = []), (field = ""), (i += 2));
    else if (c === "\n" || c === "\r") throw new Error(`bare line break at ${i}`);
    else ((field += c), i++);
  }
  if (quoted) throw new Error("unterminated quote");
  if (field !== "" || row.length) throw new Error("last record lacks CRLF");
  return rows;
}
