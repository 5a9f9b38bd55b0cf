/**
 * A queue that callbacks push into and one async reader takes from, waiting while it is empty:
 * how a subprocess's callback-style output (lines, exits, errors) becomes a generator's sequence.
 */
export function asyncQueue<T>(): { push(item: T): void; next(): Promise<T> } {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  return {
    push(item) {
      queue.push(item);
      wake?.();
      wake = undefined;
    },
    async next() {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return queue.shift()!;
    },
  };
}
