/** reference-data.md's rules for the catalog and user snapshot feeds: the first bad field, or undefined when valid. */
import { parseEventTimestamp } from './validate';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isPositiveInt = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min;

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function catalogLineProblem(line: string): string | undefined {
  const c = parseObject(line);
  if (c === undefined) return 'malformed_json';
  if (!isString(c.content_id)) return 'content_id';
  if (c.content_type !== 'movie' && c.content_type !== 'episode') return 'content_type';
  if (!isString(c.title)) return 'title';
  if (!isPositiveInt(c.duration_sec, 1)) return 'duration_sec';
  if (!Array.isArray(c.genres) || c.genres.length === 0 || !c.genres.every(isString)) return 'genres';
  if (c.content_type === 'episode') {
    if (!isString(c.series_id)) return 'series_id';
    if (!isString(c.series_title)) return 'series_title';
    if (!isPositiveInt(c.season_number, 1)) return 'season_number';
    if (!isPositiveInt(c.episode_number, 1)) return 'episode_number';
  }
  if (c.release_date !== undefined && !(typeof c.release_date === 'string' && DATE.test(c.release_date))) return 'release_date';
  return undefined;
}

export function userLineProblem(line: string): string | undefined {
  const u = parseObject(line);
  if (u === undefined) return 'malformed_json';
  if (!isString(u.user_id)) return 'user_id';
  if (typeof u.updated_at !== 'string' || parseEventTimestamp(u.updated_at) === undefined) return 'updated_at';
  if (typeof u.country !== 'string' || !/^[A-Z]{2}$/.test(u.country)) return 'country';
  if (!isString(u.plan)) return 'plan';
  if (u.subscription_status !== 'active' && u.subscription_status !== 'paused' && u.subscription_status !== 'canceled') return 'subscription_status';
  if (u.signup_date !== undefined && !(typeof u.signup_date === 'string' && DATE.test(u.signup_date))) return 'signup_date';
  if (u.birth_year !== undefined && !Number.isInteger(u.birth_year)) return 'birth_year';
  if (u.gender !== undefined && typeof u.gender !== 'string') return 'gender';
  return undefined;
}
