/**
 * Simulates viewing: one planned viewing slot becomes one playback session (or a
 * binge of episodes), event by event — play, heartbeats at most 60 s apart while
 * playing, pauses and resumes, seeks, and an end that is a stop, the credits, or a
 * player that simply goes silent — followed now and then by a rating.
 */
import type { Random } from '../shared/random';
import type { Catalog, ContentItem } from './catalog';
import type { EventFields, EventType } from './events';
import type { Device, User } from './users';
import { offsetAt } from './zones';

const HOUR = 3_600_000;
/** No session is longer than this, well inside the 72 hours the warehouse relies on. */
const MAX_SESSION_MS = 20 * HOUR;

export interface EventSink {
  /** One real event; `sessionStart` bounds how late it may arrive. */
  emit(event: EventFields, sessionStart: number): void;
}

export interface IdSource {
  eventId(): string;
  sessionId(): string;
}

interface SessionResult {
  readonly sessionId: string;
  readonly end: number;
  readonly watched: number;
  readonly position: number;
  readonly stopped: boolean;
  readonly completed: boolean;
}

export class ViewingSimulator {
  constructor(
    private readonly rng: Random,
    private readonly catalog: Catalog,
    private readonly ids: IdSource,
    private readonly sink: EventSink,
  ) {}

  /** One viewing slot of a user, starting at `start` (UTC ms). */
  run(user: User, start: number): void {
    const rng = this.rng;
    const device = user.devices[rng.pickCumulative(user.deviceWeights)]!;
    let { title, item, position } = this.chooseContent(user);
    let patience = Math.min(5 * 3600, Math.max(60, Math.exp(Math.log(2400) + 0.8 * rng.normal())));
    let t = start;
    for (let chain = 0; chain < 6; chain += 1) {
      const show = this.catalog.titles[title]!;
      const content = show.items[item]!;
      const result = this.session(user, device, content, position, t, patience);
      patience -= result.watched;
      if (show.kind === 'show') user.currentShow = title;
      if (result.completed) {
        user.resume = undefined;
        if (show.kind === 'show') user.showProgress.set(title, item + 1);
      } else if (result.position > 60 && result.position < 0.9 * content.durationSec) {
        user.resume = { title, item, position: result.position };
      }
      this.maybeRate(user, device, content, result);
      const binge = result.completed && result.stopped && show.kind === 'show' && item + 1 < show.items.length && patience > 300 && rng.chance(0.55);
      if (!binge) return;
      item += 1;
      position = 0;
      t = result.end + rng.int(8, 25) * 1000;
    }
  }

  private chooseContent(user: User): { title: number; item: number; position: number } {
    const rng = this.rng;
    if (user.resume !== undefined && rng.chance(0.35)) return { ...user.resume };
    if (user.currentShow !== undefined && rng.chance(0.5)) {
      const next = user.showProgress.get(user.currentShow) ?? 0;
      if (next < this.catalog.titles[user.currentShow]!.items.length) return { title: user.currentShow, item: next, position: 0 };
      user.currentShow = undefined;
    }
    const title = rng.pickCumulative(this.catalog.cumulativeWeights);
    const items = this.catalog.titles[title]!.items;
    const next = user.showProgress.get(title) ?? 0;
    return { title, item: next < items.length ? next : rng.int(0, items.length - 1), position: 0 };
  }

  private session(user: User, device: Device, content: ContentItem, startPosition: number, start: number, patience: number): SessionResult {
    const rng = this.rng;
    const precision = device.wholeSeconds ? 1000 : 1;
    const duration = content.durationSec;
    const sessionId = this.ids.sessionId();
    const first = Math.ceil(start / precision) * precision;
    const creditsAt = duration * (0.955 + 0.035 * rng.next());
    const endAt = rng.chance(0.35) ? duration : creditsAt;
    let t = first;
    let pos = Math.min(startPosition, duration);
    let watched = 0;
    let playing = true;
    const emit = (eventType: EventType, fromPosition?: number): void => {
      this.sink.emit({
        eventId: this.ids.eventId(), eventType, ts: t, userId: user.userId, contentId: content.contentId,
        sessionId, position: pos, ...(fromPosition === undefined ? {} : { fromPosition }), device, offset: offsetAt(user.zone, t),
      }, first);
    };
    const done = (stopped: boolean): SessionResult => {
      if (stopped) emit('stop');
      return { sessionId, end: t, watched, position: pos, stopped, completed: pos >= 0.95 * duration };
    };
    emit('play');
    for (;;) {
      if (t - first > MAX_SESSION_MS) return done(false);
      if (playing) {
        // Heartbeats at most 60 s apart (mobile players send them every 30 s).
        const heartbeat = device.heartbeatSec * 1000 - (device.wholeSeconds ? 0 : rng.int(0, 1500));
        const toEnd = Math.max(0, endAt - pos) * 1000;
        const toPatience = Math.max(0, patience - watched) * 1000;
        const toPause = rng.exponential(40 * 60_000);
        const toSeek = rng.exponential(70 * 60_000);
        const toAbandon = rng.exponential(8 * HOUR);
        const next = Math.min(heartbeat, toEnd, toPatience, toPause, toSeek, toAbandon);
        const dt = Math.min(heartbeat, Math.max(1000, Math.ceil(next / precision) * precision));
        t += dt;
        pos = Math.min(duration, pos + dt / 1000);
        watched += dt / 1000;
        if (next === heartbeat) emit('heartbeat');
        else if (next === toEnd) return done(true);
        else if (next === toPatience) return done(rng.chance(0.82));
        else if (next === toAbandon) return done(false);
        else if (next === toPause) {
          emit('pause');
          playing = false;
        } else {
          const from = pos;
          pos = rng.chance(0.65) ? Math.min(duration - 1, pos + rng.int(10, 300)) : Math.max(0, pos - rng.int(5, 90));
          emit('seek', from);
        }
      } else {
        t += Math.ceil(Math.min(rng.exponential(150_000) + 2000, 3 * HOUR) / precision) * precision;
        const roll = rng.next();
        if (roll < 0.82) {
          emit('resume');
          playing = true;
        } else {
          return done(roll < 0.93);
        }
      }
    }
  }

  private maybeRate(user: User, device: Device, content: ContentItem, result: SessionResult): void {
    const rng = this.rng;
    const p = !result.stopped ? 0.01 : result.completed ? 0.22 : 0.04;
    if (!rng.chance(p)) return;
    const value = (): number => Math.min(5, Math.max(1, Math.round(content.quality + 0.7 * rng.normal())));
    const rate = (ts: number, withSession: boolean): void => {
      // Some apps send the session's id with a rating; a rating still never belongs to a session.
      this.sink.emit({
        eventId: this.ids.eventId(), eventType: 'rate', ts, userId: user.userId, contentId: content.contentId,
        ...(withSession ? { sessionId: result.sessionId } : {}), rating: value(), device, offset: offsetAt(user.zone, ts),
      }, ts);
    };
    const precision = device.wholeSeconds ? 1000 : 1;
    const ts = Math.ceil((result.end + rng.int(5, 240) * 1000 + rng.int(0, 999)) / precision) * precision;
    rate(ts, rng.chance(0.1));
    // Users sometimes change their mind later: a second rating row, the latest counts.
    if (rng.chance(0.05)) rate(ts + rng.int(1, 120) * HOUR, false);
  }
}
