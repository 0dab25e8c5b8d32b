/** The five answers as readable text tables, for the demo run. */
type Rows = Record<string, unknown>[];

/** `decimals`: the column holds a fraction somewhere, so every number in it shows four places. */
function fmt(v: unknown, decimals: boolean): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return decimals ? v.toFixed(4) : v.toLocaleString('en-US');
  return String(v);
}

/** A fixed-width table of the given columns. */
export function textTable(rows: Rows, columns: readonly string[]): string {
  const decimals = columns.map((c) => rows.some((r) => typeof r[c] === 'number' && !Number.isInteger(r[c])));
  const cells = rows.map((r) => columns.map((c, i) => fmt(r[c], decimals[i] as boolean)));
  const width = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]): string =>
    values.map((v, i) => (/^[-\d.,—]+$/.test(v) ? v.padStart(width[i]) : v.padEnd(width[i]))).join('  ');
  return [line([...columns]), width.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

const by = <T extends Record<string, unknown>>(key: string, desc = true) => (a: T, b: T): number => {
  const x = a[key] as number;
  const y = b[key] as number;
  return desc ? (y ?? -Infinity) - (x ?? -Infinity) : (x ?? Infinity) - (y ?? Infinity);
};

export function renderReports(r: Record<string, Rows>): string {
  const months = [...new Set(r.rpt_watch_time_by_user.map((x) => String(x.month_start)))].sort();
  const last = months[months.length - 1];
  const inLast = (rows: Rows): Rows => rows.filter((x) => String(x.month_start) === last);
  const parts: string[] = [];
  parts.push(`\n1. Total watch time, month ${last} (latest month in the data)\n`);
  parts.push('Top 10 users\n' + textTable(inLast(r.rpt_watch_time_by_user).sort(by('watch_seconds')).slice(0, 10), ['user_id', 'watch_seconds', 'sessions']));
  parts.push('\nBy genre\n' + textTable(inLast(r.rpt_watch_time_by_genre).sort(by('watch_seconds')), ['genre', 'watch_seconds', 'sessions']));
  parts.push('\nBy device type\n' + textTable(inLast(r.rpt_watch_time_by_device_type).sort(by('watch_seconds')), ['device_type', 'watch_seconds', 'sessions']));
  parts.push('\n2. Peak viewing hours (top 5 per day type)\n');
  const peak = r.rpt_peak_viewing_hours.filter((x) => (x.hour_rank as number) <= 5).sort((a, b) => String(a.day_type).localeCompare(String(b.day_type)) || (a.hour_rank as number) - (b.hour_rank as number));
  parts.push(textTable(peak, ['day_type', 'hour_rank', 'hour_of_day', 'watch_seconds', 'sessions']));
  parts.push('\n3. Highest completion rate (items with at least 5 closed sessions, top 10)\n');
  const completion = r.rpt_content_completion.filter((x) => (x.sessions as number) >= 5).sort((a, b) => by('completion_rate')(a, b) || by('sessions')(a, b)).slice(0, 10);
  parts.push(textTable(completion, ['content_id', 'title', 'content_type', 'sessions', 'completed_sessions', 'completion_rate']));
  parts.push('\n4. Average viewing session (closed sessions)\n');
  parts.push(textTable([...r.rpt_session_duration].sort((a, b) => String(a.month_start).localeCompare(String(b.month_start))), ['month_start', 'sessions', 'avg_session_duration_seconds', 'avg_watch_duration_seconds']));
  parts.push('\n5. Ratings against popularity (top 10 items by viewers)\n');
  parts.push(textTable([...r.rpt_rating_vs_popularity].sort(by('viewers')).slice(0, 10), ['content_id', 'title', 'ratings', 'avg_rating', 'viewers', 'sessions', 'watch_seconds']));
  parts.push('\n' + textTable(r.rpt_rating_popularity_correlation, ['titles', 'pearson_rating_viewers', 'pearson_rating_watch_seconds']));
  return parts.join('\n') + '\n';
}
