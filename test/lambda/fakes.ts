import type { Sleep } from '../../lambda/shared/backoff.js';

/** A sleep that returns at once and advances a fake clock, so tests never wait. */
export function fakeTime(start = Date.parse('2026-11-21T12:00:00Z')): {
  sleep: Sleep;
  now: () => number;
  delays: number[];
} {
  let clock = start;
  const delays: number[] = [];
  return {
    delays,
    now: () => clock,
    sleep: async (ms) => {
      delays.push(ms);
      clock += ms;
    },
  };
}

/** An SDK-shaped service error. */
export function serviceError(name: string, message = name, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode } });
}
