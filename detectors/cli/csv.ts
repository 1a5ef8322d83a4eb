/** Reading CSV rows of recorded metrics line by line (NAB files, nvidia-smi CSV output). */

/** Unix seconds of a timestamp cell: a number of seconds, or a date such as `2014-04-01 00:00:00` or
 * nvidia-smi's `2026/11/22 20:54:31.787` (UTC unless the cell names a zone). NaN when unreadable. */
export function parseTimestamp(cell: string): number {
  const text = cell.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const iso = text.replace(/^(\d{4})\/(\d{2})\/(\d{2})/, '$1-$2-$3').replace(' ', 'T');
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`;
  return Date.parse(zoned) / 1000;
}

/** Cells of one line, trimmed (nvidia-smi separates with ", "). */
export function splitCells(line: string): string[] {
  return line.split(',').map((cell) => cell.trim());
}

/** A header cell without its unit suffix: `power.draw [W]` → `power.draw`. */
export function columnName(cell: string): string {
  return cell.replace(/\s*\[.*\]$/, '').trim();
}

/** Whether a first line is a header: its second cell is not a number. */
export function isHeader(cells: readonly string[]): boolean {
  return cells.length < 2 || !Number.isFinite(Number(cells[1])) || cells[1] === '';
}
