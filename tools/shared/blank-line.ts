/**
 * events.md: "Blank lines (only white space) are skipped and not counted." White space is
 * ASCII's (space, tab, vertical tab, form feed, carriage return, line feed), as the load
 * step `sql/load/01_parse_lines.sql` spells it out; JavaScript's `trim()` also strips
 * Unicode spaces and the byte-order mark, which the warehouse quarantines, so a tool that
 * used it would drop lines the warehouse accounts for.
 */
const BLANK = /^[ \t\v\f\r\n]*$/;

export function isBlankLine(text: string): boolean {
  return BLANK.test(text);
}
