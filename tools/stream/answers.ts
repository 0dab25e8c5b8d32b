/**
 * The five answers as readable text tables, from the report views' rows
 * (reports.md). Per-month views show the latest month in the data.
 */
type Rows = readonly Record<string, unknown>[];

function table(rows: Rows, columns: readonly string[]): string {
  if (rows.length === 0) return '  (no rows)\n';
  const cell = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: readonly string[]): string => `  ${values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd()}\n`;
  return line(columns) + line(widths.map((w) => '-'.repeat(w))) + rows.map((r) => line(columns.map((c) => cell(r[c])))).join('');
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
const byDesc = (key: string) => (a: Record<string, unknown>, b: Record<string, unknown>): number => num(b[key]) - num(a[key]);

function latestMonth(rows: Rows): Rows {
  const latest = rows.map((r) => String(r.month_start)).sort().at(-1);
  return rows.filter((r) => String(r.month_start) === latest);
}

export function formatAnswers(views: Readonly<Record<string, Rows>>, top = 10): string {
  const v = (name: string): Rows => views[name] ?? [];
  let out = '';
  const month = latestMonth(v('rpt_watch_time_by_user'))[0]?.month_start ?? '';
  out += `1. Watch time, month of ${String(month)}\n   per user (top ${top})\n`;
  out += table([...latestMonth(v('rpt_watch_time_by_user'))].sort(byDesc('watch_seconds')).slice(0, top), ['user_id', 'watch_seconds', 'sessions']);
  out += '   per genre\n';
  out += table([...latestMonth(v('rpt_watch_time_by_genre'))].sort(byDesc('watch_seconds')), ['genre', 'watch_seconds', 'sessions']);
  out += '   per device type\n';
  out += table([...latestMonth(v('rpt_watch_time_by_device_type'))].sort(byDesc('watch_seconds')), ['device_type', 'watch_seconds', 'sessions']);
  out += '\n2. Peak viewing hours (local time; top 5 per day type)\n';
  const hours = [...v('rpt_peak_viewing_hours')].sort((a, b) => String(a.day_type).localeCompare(String(b.day_type)) || num(a.hour_rank) - num(b.hour_rank));
  out += table(hours.filter((r) => num(r.hour_rank) <= 5), ['day_type', 'hour_rank', 'hour_of_day', 'watch_seconds', 'sessions']);
  out += `\n3. Highest completion rate (closed sessions; top ${top}, ties by sessions)\n`;
  const completion = [...v('rpt_content_completion')].sort((a, b) => num(b.completion_rate) - num(a.completion_rate) || num(b.sessions) - num(a.sessions));
  out += table(completion.slice(0, top), ['content_id', 'title', 'content_type', 'sessions', 'completed_sessions', 'completion_rate']);
  out += '\n4. Average viewing session (closed sessions)\n';
  out += table([...v('rpt_session_duration')].sort((a, b) => String(a.month_start).localeCompare(String(b.month_start))), ['month_start', 'sessions', 'avg_session_duration_seconds', 'avg_watch_duration_seconds']);
  out += '\n5. Ratings against popularity\n';
  out += table(v('rpt_rating_popularity_correlation'), ['titles', 'pearson_rating_viewers', 'pearson_rating_watch_seconds']);
  out += `   most watched titles (top ${top})\n`;
  out += table([...v('rpt_rating_vs_popularity')].sort(byDesc('viewers')).slice(0, top), ['content_id', 'title', 'ratings', 'avg_rating', 'viewers', 'sessions', 'watch_seconds']);
  return out;
}
