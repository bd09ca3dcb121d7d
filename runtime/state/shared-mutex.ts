/**
 * A mutex in shared memory, for every thread of one gateway process: the futex-style
 * three-state lock (0 free, 1 held, 2 held with waiters), so an uncontended lock and
 * unlock are one compare-exchange and one decrement, and a waiter sleeps in
 * `Atomics.wait` instead of spinning. Critical sections under it are a few hundred
 * nanoseconds of arithmetic (never I/O, never an await).
 */

export class SharedMutex {
  readonly #cell: Int32Array;
  readonly #index: number;

  /** `cell[index]` is the lock word; it must start at 0. */
  constructor(cell: Int32Array, index: number) {
    this.#cell = cell;
    this.#index = index;
  }

  lock(): void {
    const cell = this.#cell;
    const i = this.#index;
    let c = Atomics.compareExchange(cell, i, 0, 1);
    if (c === 0) return;
    // Contended: a few spins first (the holder is almost always about to release).
    for (let spin = 0; spin < 64; spin++) {
      c = Atomics.compareExchange(cell, i, 0, 1);
      if (c === 0) return;
    }
    if (c !== 2) c = Atomics.exchange(cell, i, 2);
    while (c !== 0) {
      Atomics.wait(cell, i, 2, 5);
      c = Atomics.exchange(cell, i, 2);
    }
  }

  unlock(): void {
    if (Atomics.sub(this.#cell, this.#index, 1) !== 1) {
      Atomics.store(this.#cell, this.#index, 0);
      Atomics.notify(this.#cell, this.#index, 1);
    }
  }

  /** Runs `fn` under the lock. `fn` must be synchronous and must not throw past its own bookkeeping. */
  with<T>(fn: () => T): T {
    this.lock();
    try {
      return fn();
    } finally {
      this.unlock();
    }
  }
}
