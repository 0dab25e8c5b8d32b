/**
 * The synthetic content catalog: movies, and shows with seasons and episodes.
 * Each title has a hidden quality that drives both its popularity and its ratings,
 * so question 5 (ratings against popularity) has a real, positive signal to find.
 */
import type { Random } from '../shared/random';

export const GENRES = [
  'drama', 'comedy', 'thriller', 'scifi', 'documentary', 'animation', 'action',
  'romance', 'horror', 'crime', 'fantasy', 'family', 'reality', 'kids',
] as const;

const ADJECTIVES = ['Silent', 'Broken', 'Golden', 'Last', 'Hidden', 'Crimson', 'Northern', 'Endless', 'Quiet', 'Wild', 'Electric', 'Lost', 'Bright', 'Iron', 'Paper', 'Midnight', 'Distant', 'Hollow', 'Burning', 'Secret'];
const NOUNS = ['Harbor', 'Kingdom', 'Signal', 'Garden', 'Frontier', 'Mirror', 'River', 'Empire', 'Orchard', 'Circuit', 'Lantern', 'Voyage', 'Summit', 'Archive', 'Tide', 'Station', 'Colony', 'Verdict', 'Echo', 'Meridian'];
const MOVIE_RATINGS = ['G', 'PG', 'PG-13', 'R', 'NC-17'];
const TV_RATINGS = ['TV-Y', 'TV-G', 'TV-PG', 'TV-14', 'TV-MA'];
const COUNTRIES = ['US', 'GB', 'FR', 'DE', 'ES', 'KR', 'JP', 'IN', 'BR', 'CA', 'SE', 'MX'];

export interface ContentItem {
  readonly contentId: string;
  readonly contentType: 'movie' | 'episode';
  readonly durationSec: number;
  /** 1–5, hidden: drives ratings. */
  readonly quality: number;
  /** False for items the catalog feed has not described yet (inferred members). */
  readonly listed: boolean;
  /** The feed line(s) describing it; more than one when the feed later corrects it. */
  readonly lines: readonly string[];
}

export interface Title {
  readonly kind: 'movie' | 'show';
  /** The movie, or the show's episodes in viewing order. */
  readonly items: readonly ContentItem[];
}

export interface Catalog {
  readonly titles: readonly Title[];
  /** Cumulative popularity weights over `titles`. */
  readonly cumulativeWeights: Float64Array;
}

function name(rng: Random): string {
  return rng.chance(0.5) ? `The ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}` : `${rng.pick(NOUNS)} of the ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
}

function genres(rng: Random): string[] {
  const count = rng.pick([1, 1, 2, 2, 2, 3]);
  const out: string[] = [];
  while (out.length < count) {
    const g = rng.pick(GENRES);
    if (!out.includes(g)) out.push(g);
  }
  return out;
}

function releaseDate(rng: Random, latestYear: number): string {
  const year = rng.int(latestYear - 40, latestYear);
  return `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
}

function quality(rng: Random): number {
  return Math.min(4.9, Math.max(1.2, 3.4 + 0.7 * rng.normal()));
}

export function buildCatalog(rng: Random, users: number, latestYear: number): Catalog {
  const movies = Math.min(3000, Math.max(40, Math.round(users * 0.4)));
  const shows = Math.min(600, Math.max(8, Math.round(users * 0.06)));
  const titles: Title[] = [];
  const weights: number[] = [];
  const total = movies + shows;
  // Popularity: a Zipf-like long tail over ranks that better titles tend to top
  // (quality plus noise), so popularity and ratings correlate, though not perfectly.
  const qualities = Array.from({ length: total }, () => quality(rng));
  const ranks = new Array<number>(total);
  qualities
    .map((q, i) => ({ i, key: q + 0.7 * rng.normal() }))
    .sort((a, b) => b.key - a.key || a.i - b.i)
    .forEach(({ i }, rank) => {
      ranks[i] = rank;
    });
  let movieNo = 0;
  let showNo = 0;
  for (let i = 0; i < total; i += 1) {
    const isMovie = !(showNo < shows && (movieNo >= movies || i % Math.max(1, Math.floor(total / shows)) === 0));
    const q = qualities[i] ?? 3;
    if (isMovie) {
      movieNo += 1;
      const id = `mv-${String(movieNo).padStart(5, '0')}`;
      const record: Record<string, unknown> = {
        content_id: id,
        content_type: 'movie',
        title: name(rng),
        duration_sec: rng.int(78 * 60, 165 * 60),
        genres: genres(rng),
      };
      if (rng.chance(0.9)) record.release_date = releaseDate(rng, latestYear);
      if (rng.chance(0.85)) record.maturity_rating = rng.pick(MOVIE_RATINGS);
      if (rng.chance(0.7)) record.production_country = rng.pick(COUNTRIES);
      titles.push({ kind: 'movie', items: [item(rng, record, q)] });
    } else {
      showNo += 1;
      const seriesId = `sh-${String(showNo).padStart(4, '0')}`;
      const seriesTitle = name(rng);
      const showGenres = genres(rng);
      const episodeLength = rng.pick([22, 25, 30, 42, 45, 52, 58]);
      const maturity = rng.pick(TV_RATINGS);
      const seasons = rng.int(1, 5);
      const items: ContentItem[] = [];
      for (let s = 1; s <= seasons; s += 1) {
        const episodes = rng.int(6, 12);
        const year = latestYear - seasons + s;
        for (let e = 1; e <= episodes; e += 1) {
          const record: Record<string, unknown> = {
            content_id: `ep-${seriesId.slice(3)}-s${String(s).padStart(2, '0')}e${String(e).padStart(2, '0')}`,
            content_type: 'episode',
            title: `${seriesTitle}: ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`,
            series_id: seriesId,
            series_title: seriesTitle,
            season_number: s,
            episode_number: e,
            duration_sec: Math.max(60, episodeLength * 60 + rng.int(-180, 180)),
            genres: showGenres,
            release_date: `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
            maturity_rating: maturity,
          };
          items.push(item(rng, record, Math.min(4.9, Math.max(1, q + 0.25 * rng.normal()))));
        }
      }
      titles.push({ kind: 'show', items });
    }
    const rank = ranks[i] ?? 0;
    weights.push((1 / Math.pow(rank + 1, 0.85)) * (isMovie ? 1 : 2.5));
  }
  const cumulativeWeights = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    cumulativeWeights[i] = sum;
  });
  return { titles, cumulativeWeights };
}

function item(rng: Random, record: Record<string, unknown>, q: number): ContentItem {
  const lines = [JSON.stringify(record)];
  // The feed sometimes corrects an item later in the same file (type 1: the last line wins).
  if (rng.chance(0.03)) lines.push(JSON.stringify({ ...record, title: `${String(record.title)} (Remastered)` }));
  return {
    contentId: String(record.content_id),
    contentType: record.content_type === 'movie' ? 'movie' : 'episode',
    durationSec: Number(record.duration_sec),
    quality: q,
    listed: !rng.chance(0.02),
    lines,
  };
}

/** Feed lines in file order: first descriptions, then the corrections. */
export function catalogLines(catalog: Catalog): string[] {
  const first: string[] = [];
  const corrections: string[] = [];
  for (const title of catalog.titles) {
    for (const it of title.items) {
      if (!it.listed) continue;
      first.push(it.lines[0] ?? '');
      corrections.push(...it.lines.slice(1));
    }
  }
  return [...first, ...corrections];
}
