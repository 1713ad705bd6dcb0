/**
 * Per-key FIFO mailboxes: tasks for one key run strictly one after another, tasks for different keys
 * run concurrently. A key's chain is forgotten once it drains, so memory follows the busy keys.
 *
 * @example await mailboxes.run('update/u1', async () => deliver(event))
 */
export class Mailboxes {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every task queued earlier for `key`; resolves or rejects with it. */
  run<T>(key: string, task: () => Promise<T> | T): Promise<T> {
    const previous = this.#tails.get(key);
    const result = previous ? previous.then(task, task) : Promise.resolve().then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** True while `key` has a task queued or running. */
  isBusy(key: string): boolean {
    return this.#tails.has(key);
  }

  /** Resolves once every queued task of every key has settled. */
  async drain(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }
}
