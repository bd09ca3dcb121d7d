/**
 * Named SharedArrayBuffers that every thread of one gateway process sees: the state
 * that must be exact across worker threads (quota counters, health and ejection
 * state, concurrency slots) lives in them and is updated with Atomics, so no counter
 * is ever kept twice.
 *
 * Protocol: the main thread links every plan before any worker does (it holds a
 * linked copy for the admin listener), so the main thread's `provide` calls create
 * the buffers. The main thread then posts `snapshot()` to the workers with the plan
 * (at start and on every reload); a worker `adopt`s it before it links, and its
 * `provide` calls return the very same memory. A worker never creates state: a name
 * the main thread did not provide is a programming error and throws.
 *
 * In a single-thread gateway the same calls create plain (unshared) buffers on
 * first use, so state owners have one code path.
 */

/** What crosses to a worker: name → buffer (SharedArrayBuffers are shared by postMessage, not copied). */
export type SharedStateSnapshot = Readonly<Record<string, SharedArrayBuffer>>;

export class SharedStateHandoff {
  #buffers = new Map<string, SharedArrayBuffer>();
  /** True in a worker thread: buffers come from the main thread only. */
  #attached = false;

  /**
   * The buffer under `name`, at least `bytes` long (zero-filled when created). In the
   * main (or only) thread an absent name is created, and a name whose buffer is now
   * too small is replaced by a fresh one (its state restarts: owners put the layout in
   * the name so that this only happens when the layout changes).
   */
  provide(name: string, bytes: number): SharedArrayBuffer {
    const existing = this.#buffers.get(name);
    if (existing !== undefined && existing.byteLength >= bytes) return existing;
    if (this.#attached) {
      throw new Error(
        existing === undefined
          ? `shared state "${name}" was not handed over by the main thread (it must link the plan first)`
          : `shared state "${name}" is ${existing.byteLength} bytes, ${bytes} needed: the main thread must provide it`,
      );
    }
    const buffer = new SharedArrayBuffer(bytes);
    this.#buffers.set(name, buffer);
    return buffer;
  }

  /** The buffer under `name`, if any. */
  get(name: string): SharedArrayBuffer | undefined {
    return this.#buffers.get(name);
  }

  /** Everything provided so far, for posting to workers. */
  snapshot(): SharedStateSnapshot {
    return Object.fromEntries(this.#buffers);
  }

  /** Worker side: takes over the main thread's buffers (called at start and before each reload links). */
  adopt(snapshot: SharedStateSnapshot): void {
    this.#attached = true;
    for (const [name, buffer] of Object.entries(snapshot)) this.#buffers.set(name, buffer);
  }

  /** Names whose buffers exist, for diagnostics. */
  get names(): string[] {
    return [...this.#buffers.keys()];
  }
}

/**
 * The handoff of this thread. Owners of shared state call `sharedState.provide(…)`
 * while a plan is linked; the worker machinery calls `adopt` before that.
 */
export const sharedState = new SharedStateHandoff();
