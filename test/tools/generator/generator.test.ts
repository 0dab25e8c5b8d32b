import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, type GeneratedDataset, type GeneratorOptions } from '../../../tools/generator/index';
import { validateEventLine, type ValidEvent } from '../../../tools/generator/validate';
import { catalogLineProblem, userLineProblem } from '../../../tools/generator/validate-reference';
import { readEventLines, readLines, type DatasetLine } from './read-dataset';

const HOUR = 3_600_000;
const options: GeneratorOptions = {
  seed: 7, users: 60, days: 6, eventsPerFile: 3000, lateRate: 0.05, duplicateRate: 0.03, badLineRate: 0.02,
};

let root: string;
let dataset: GeneratedDataset;
let lines: DatasetLine[];
/** The first valid line of each event_id, in file order. */
let events: ValidEvent[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'generator-'));
  dataset = await generateDataset(join(root, 'a'), options);
  lines = await readEventLines(dataset.eventFiles);
  const seen = new Set<string>();
  events = [];
  for (const { line } of lines) {
    const verdict = validateEventLine(line);
    if (verdict?.ok && !seen.has(verdict.event.eventId)) {
      seen.add(verdict.event.eventId);
      events.push(verdict.event);
    }
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function sessions(): Map<string, ValidEvent[]> {
  const bySession = new Map<string, ValidEvent[]>();
  for (const e of events) {
    if (e.eventType === 'rate' || e.sessionId === undefined) continue;
    const list = bySession.get(e.sessionId) ?? [];
    list.push(e);
    bySession.set(e.sessionId, list);
  }
  for (const list of bySession.values()) list.sort((a, b) => a.ts - b.ts || (a.eventId < b.eventId ? -1 : 1));
  return bySession;
}

describe('generateDataset', () => {
  it('writes the same bytes for the same seed', async () => {
    const again = await generateDataset(join(root, 'b'), options);
    expect(again.eventFiles.length).toBe(dataset.eventFiles.length);
    for (const [i, file] of dataset.eventFiles.entries()) {
      expect((await readFile(again.eventFiles[i]!)).equals(await readFile(file))).toBe(true);
    }
    expect(await readFile(again.catalogFile, 'utf8')).toBe(await readFile(dataset.catalogFile, 'utf8'));
    expect(await readFile(again.usersFile, 'utf8')).toBe(await readFile(dataset.usersFile, 'utf8'));
  });

  it('writes different data for another seed', async () => {
    const other = await generateDataset(join(root, 'c'), { ...options, seed: 8 });
    expect(await readFile(other.eventFiles[0]!, 'utf8')).not.toBe(await readFile(dataset.eventFiles[0]!, 'utf8'));
  });

  it('names event files so that name order is load order, each at most eventsPerFile lines', async () => {
    const names = dataset.eventFiles.map((f) => f.slice(f.lastIndexOf('/') + 1));
    expect(names[0]).toBe('events-0001.ndjson');
    expect([...names].sort()).toEqual(names);
    for (const file of dataset.eventFiles) expect((await readLines(file)).length).toBeLessThanOrEqual(3000);
  });

  it('reports exactly the lines it wrote', () => {
    expect(lines.length).toBe(dataset.eventLines);
  });

  it('writes only bad lines that events.md quarantines, and counts them', () => {
    const bad = lines.map(({ line }) => validateEventLine(line)).filter((v) => v !== undefined && !v.ok);
    expect(bad.length).toBe(dataset.badLines);
    const reasons = new Set(bad.map((v) => (v.ok ? '' : v.reason)));
    expect([...reasons].sort()).toEqual(['invalid_field', 'malformed_json', 'unknown_event_type']);
  });

  it('makes bad lines at the asked rate, within four binomial standard deviations', () => {
    // Each line is bad independently with p = badLineRate, so the share is binomial:
    // 4σ leaves a false-alarm chance of about 1 in 16,000 for a new seed.
    const p = options.badLineRate!;
    const sigma = Math.sqrt((p * (1 - p)) / dataset.eventLines);
    expect(Math.abs(dataset.badLines / dataset.eventLines - p)).toBeLessThanOrEqual(4 * sigma);
  });

  it('repeats only earlier valid lines byte for byte, and counts them', () => {
    const first = new Map<string, string>();
    let repeats = 0;
    for (const { line } of lines) {
      const v = validateEventLine(line);
      if (!v?.ok) continue;
      const earlier = first.get(v.event.eventId);
      if (earlier === undefined) first.set(v.event.eventId, line);
      else {
        expect(line).toBe(earlier);
        repeats += 1;
      }
    }
    expect(repeats).toBe(dataset.duplicateLines);
    expect(repeats).toBeGreaterThan(0);
  });

  it('writes every valid line as JSON.stringify would (escaping, key order)', () => {
    for (const { line } of lines) {
      if (validateEventLine(line)?.ok) expect(JSON.stringify(JSON.parse(line))).toBe(line);
    }
  });

  it('keeps the lines that are neither bad nor repeats as unique real events', () => {
    expect(events.length).toBe(dataset.eventLines - dataset.badLines - dataset.duplicateLines);
  });

  it('sends a heartbeat (or another event) at most 60 s apart while playing', () => {
    let checked = 0;
    for (const list of sessions().values()) {
      let state = 'idle';
      list.forEach((e, i) => {
        if (e.eventType === 'play' || e.eventType === 'resume') state = 'playing';
        else if (e.eventType === 'pause') state = 'paused';
        else if (e.eventType === 'stop') state = 'stopped';
        const next = list[i + 1];
        if (state === 'playing' && next !== undefined) {
          expect(next.ts - e.ts, `${e.sessionId} after ${e.eventId}`).toBeLessThanOrEqual(60_000);
          checked += 1;
        }
      });
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('shapes sessions: a play first, pauses, resumes, seeks, stops and abandoned sessions', () => {
    const all = [...sessions().values()];
    expect(all.every((s) => s[0]!.eventType === 'play')).toBe(true);
    const types = new Set(events.map((e) => e.eventType));
    expect([...types].sort()).toEqual(['heartbeat', 'pause', 'play', 'rate', 'resume', 'seek', 'stop']);
    const abandoned = all.filter((s) => s[s.length - 1]!.eventType !== 'stop');
    expect(abandoned.length).toBeGreaterThan(0);
    expect(abandoned.length).toBeLessThan(all.length / 2);
  });

  it('keeps every session within 72 hours of its first event', () => {
    for (const list of sessions().values()) {
      expect(list[list.length - 1]!.ts - list[0]!.ts).toBeLessThan(72 * HOUR);
    }
  });

  it('delivers some events in a later file than their time order', () => {
    // A late line is one whose time is before the latest time seen in an earlier file.
    const latestByFile: number[] = [];
    let late = 0;
    for (const { line, file } of lines) {
      const v = validateEventLine(line);
      if (!v?.ok) continue;
      const before = Math.max(-Infinity, ...latestByFile.slice(0, file));
      if (v.event.ts < before) late += 1;
      latestByFile[file] = Math.max(latestByFile[file] ?? -Infinity, v.event.ts);
    }
    expect(late).toBeGreaterThan(0);
  });

  it('varies devices, zones and timestamp styles', () => {
    const types = new Set(events.map((e) => e.deviceType));
    expect(types).toContain('tv');
    expect([...types].some((t) => t !== t.toLowerCase())).toBe(true);
    expect(new Set(events.map((e) => e.utcOffsetMinutes)).size).toBeGreaterThan(5);
    const texts = lines.map((l) => l.line);
    expect(texts.some((t) => /"event_ts":"[^"]+Z"/.test(t))).toBe(true);
    expect(texts.some((t) => /"event_ts":"[^"]+[+-]\d\d:\d\d"/.test(t))).toBe(true);
  });

  it('views more in the local evening than in the small hours', () => {
    const localHour = (e: ValidEvent): number => new Date(e.ts + e.utcOffsetMinutes * 60_000).getUTCHours();
    const starts = events.filter((e) => e.eventType === 'play');
    const evening = starts.filter((e) => localHour(e) >= 19 && localHour(e) <= 22).length;
    const night = starts.filter((e) => localHour(e) >= 2 && localHour(e) <= 5).length;
    expect(evening).toBeGreaterThan(3 * night);
  });

  it('writes a catalog feed that reference-data.md accepts, with movies and episodes', async () => {
    const catalog = await readLines(dataset.catalogFile);
    expect(catalog.map(catalogLineProblem).filter((p) => p !== undefined)).toEqual([]);
    const types = new Set(catalog.map((l) => (JSON.parse(l) as { content_type: string }).content_type));
    expect([...types].sort()).toEqual(['episode', 'movie']);
  });

  it('writes a user feed that reference-data.md accepts, with plan or status changes', async () => {
    const users = await readLines(dataset.usersFile);
    expect(users.map(userLineProblem).filter((p) => p !== undefined)).toEqual([]);
    const states = new Map<string, Set<string>>();
    for (const l of users) {
      const u = JSON.parse(l) as { user_id: string; plan: string; subscription_status: string };
      const set = states.get(u.user_id) ?? new Set();
      set.add(`${u.plan}/${u.subscription_status}`);
      states.set(u.user_id, set);
    }
    expect([...states.values()].filter((s) => s.size > 1).length).toBeGreaterThan(0);
  });

  it('names a few users and items in events that the feeds have not described (inferred members)', async () => {
    const bigger = await generateDataset(join(root, 'd'), { ...options, users: 400, days: 1, badLineRate: 0 });
    const known = new Set((await readLines(bigger.usersFile)).map((l) => (JSON.parse(l) as { user_id: string }).user_id));
    const eventsOfBigger = (await readEventLines(bigger.eventFiles)).map(({ line }) => JSON.parse(line) as { user_id: string });
    expect(eventsOfBigger.some((e) => !known.has(e.user_id))).toBe(true);
  });

  it('writes exactly targetEvents lines, in full files when the target is a multiple of the file size', async () => {
    const small = await generateDataset(join(root, 'e'), { ...options, days: 30, targetEvents: 6000 });
    expect(small.eventLines).toBe(6000);
    expect(small.eventFiles).toHaveLength(2);
    for (const file of small.eventFiles) expect(await readLines(file)).toHaveLength(3000);
  });

  it('counts only the bad lines and repeats it wrote when a target cuts the stream', async () => {
    const cut = await generateDataset(join(root, 'h'), { ...options, days: 30, targetEvents: 4321 });
    const seen = new Set<string>();
    let bad = 0;
    let repeats = 0;
    for (const { line } of await readEventLines(cut.eventFiles)) {
      const v = validateEventLine(line);
      if (!v?.ok) bad += 1;
      else if (seen.has(v.event.eventId)) repeats += 1;
      else seen.add(v.event.eventId);
    }
    expect({ lines: cut.eventLines, bad: cut.badLines, repeats: cut.duplicateLines }).toEqual({ lines: 4321, bad, repeats });
  });

  it('writes the whole window unchanged when the target is not reached', async () => {
    const whole = await generateDataset(join(root, 'i'), { ...options, targetEvents: 10_000_000 });
    expect(whole.eventLines).toBe(dataset.eventLines);
    expect((await readEventLines(whole.eventFiles)).map((l) => l.line)).toEqual(lines.map((l) => l.line));
  });

  it('writes gzip files holding the same lines', async () => {
    const gz = await generateDataset(join(root, 'f'), { ...options, gzip: true });
    expect(gz.eventFiles[0]).toMatch(/events-0001\.ndjson\.gz$/);
    expect((await readEventLines(gz.eventFiles)).map((l) => l.line)).toEqual(lines.map((l) => l.line));
  });

  it('rejects options it cannot honour with a hint', async () => {
    await expect(generateDataset(join(root, 'g'), { ...options, badLineRate: 0.7 })).rejects.toThrow(/badLineRate must be in \[0, 0.5\)/);
  });

  it.each(['2026-02-30', '2026-02-31', '2025-02-29', '2026-13-01', '2026-9-1'])('rejects the start date %s instead of rolling it over', async (startDate) => {
    await expect(generateDataset(join(root, `d-${startDate}`), { ...options, startDate })).rejects.toThrow(`startDate must be a real date as YYYY-MM-DD, e.g. 2026-09-01; got '${startDate}'`);
  });

  it.each([-1, 2 ** 32, 1e100])('rejects the seed %s, which 32 bits cannot hold', async (seed) => {
    await expect(generateDataset(join(root, `s-${seed}`), { ...options, seed })).rejects.toThrow(/seed must be a whole number from 0 to 4294967295/);
  });

  it('rejects a target that is not a whole number of lines', async () => {
    await expect(generateDataset(join(root, 'j'), { ...options, targetEvents: 2500.5 })).rejects.toThrow(/targetEvents must be a whole number ≥ 1, e\.g\. --events 300000; got 2500\.5/);
  });
});
