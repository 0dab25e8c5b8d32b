import { describe, expect, it } from 'vitest';
import { deliverWhile, type Delivery } from '../../../tools/stream/deliver-while';

/** Resolves when `signal` aborts. */
const aborted = (signal: AbortSignal): Promise<void> => new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

/** A delivery that runs until stopped, then does `last`. */
function delivery(last: () => Promise<void> = async () => undefined): Delivery & { stopped: boolean } {
  const d = {
    stopped: false,
    async run(signal: AbortSignal): Promise<void> {
      await aborted(signal);
      d.stopped = true;
      await last();
    },
  };
  return d;
}

describe('deliverWhile', () => {
  it("returns the sender's result once the delivery has stopped and written its last object", async () => {
    const d = delivery();
    await expect(deliverWhile(d, async () => 42)).resolves.toBe(42);
    expect(d.stopped).toBe(true);
  });

  it('stops the sender when the delivery fails, and throws the delivery error', async () => {
    const failing: Delivery = { run: async () => Promise.reject(new Error('store unavailable')) };
    let senderSawAbort = false;
    const send = async (signal: AbortSignal): Promise<number> => {
      await aborted(signal);
      senderSawAbort = true;
      throw signal.reason;
    };
    await expect(deliverWhile(failing, send)).rejects.toThrow('store unavailable');
    expect(senderSawAbort).toBe(true);
  });

  it('throws a failure of the last write, after the sender has finished', async () => {
    const d = delivery(async () => Promise.reject(new Error('last write failed')));
    await expect(deliverWhile(d, async () => 42)).rejects.toThrow('last write failed');
  });

  it("stops the delivery when the sender fails, and throws the sender's error", async () => {
    const d = delivery();
    await expect(deliverWhile(d, async () => Promise.reject(new Error('stream gone')))).rejects.toThrow('stream gone');
    expect(d.stopped).toBe(true);
  });
});
