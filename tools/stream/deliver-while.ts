/**
 * Delivery runs beside the replay, as Firehose reads a stream while apps write to it.
 * The two must end together: a delivery that fails while the replay is still sending
 * would otherwise be an unhandled rejection (the process dies with a stack trace) and
 * the replay would go on filling a stream nobody reads.
 */

/** What `deliverWhile` needs of the delivery worker. */
export interface Delivery {
  /** Delivers until `signal` aborts, then writes what it holds. */
  run(signal: AbortSignal): Promise<void>;
}

/**
 * Runs `delivery` while `send` runs, then stops it and waits for its last write.
 * A delivery failure aborts `send`'s signal and is the error thrown (also when it
 * happens in the last write, after `send` finished); otherwise `send`'s result or
 * error.
 */
export async function deliverWhile<T>(delivery: Delivery, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stopDelivery = new AbortController();
  const stopSending = new AbortController();
  let failure: { readonly error: unknown } | undefined;
  const delivering = delivery.run(stopDelivery.signal).catch((error: unknown) => {
    failure = { error };
    stopSending.abort(error);
  });
  let result: T;
  try {
    result = await send(stopSending.signal);
  } catch (error) {
    stopDelivery.abort();
    await delivering;
    throw failure === undefined ? error : failure.error;
  }
  stopDelivery.abort();
  await delivering;
  if (failure !== undefined) throw failure.error;
  return result;
}
