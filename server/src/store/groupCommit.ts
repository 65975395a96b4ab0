/**
 * Group commit: requests that arrive while the store is busy (or within the same turn of the event
 * loop) are written together in one transaction, and each is answered only once that transaction
 * has committed. A transaction per request costs a commit each (and on PostgreSQL a round trip per
 * statement); one per group costs one, whatever the concurrency.
 *
 * The contract of a request alone is kept: `commit` returns each request's own result, and when a
 * group fails, its requests are written again one transaction each, so that only the request at
 * fault gets the error.
 */
export class GroupCommit<R, T> {
  private pending: {
    request: R;
    size: number;
    resolve: (r: T) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private readonly running = new Set<Promise<void>>();
  private scheduled = false;
  /** Transactions committed by groups (a group of one included): what tests observe. */
  groups = 0;

  /**
   * @param commit writes a group in one transaction and returns each request's result, in order
   * @param maxSize records per group at most (a bound on a transaction's length and statements)
   * @param sizeOf how many records a request carries
   * @param concurrency groups committing at once: 1 for SQLite's single writer; more for
   *   PostgreSQL, whose commits wait on round trips and the WAL flush while others can proceed
   */
  constructor(
    private readonly commit: (requests: readonly R[]) => Promise<T[]>,
    private readonly maxSize: number,
    private readonly sizeOf: (request: R) => number,
    private readonly concurrency = 1,
  ) {}

  /** Writes a request with the others waiting; resolves once it is committed. */
  submit(request: R): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ request, size: this.sizeOf(request), resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every request submitted so far is committed (or refused). */
  async drain(): Promise<void> {
    while (this.running.size > 0 || this.pending.length > 0) {
      this.start();
      await Promise.all(this.running);
    }
  }

  private schedule(): void {
    if (this.scheduled || this.running.size >= this.concurrency) return;
    // Requests parsed in this same turn of the event loop join the group.
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.start();
    });
  }

  private start(): void {
    while (this.pending.length > 0 && this.running.size < this.concurrency) {
      const flushing: Promise<void> = this.flush().finally(() => {
        this.running.delete(flushing);
        // Requests that arrived during the commit form the next group, at once.
        this.start();
      });
      this.running.add(flushing);
    }
  }

  private async flush(): Promise<void> {
    let size = 0;
    let count = 0;
    while (count < this.pending.length) {
      const next = this.pending[count]!.size;
      if (count > 0 && size + next > this.maxSize) break;
      size += next;
      count++;
    }
    const group = this.pending.splice(0, count);
    try {
      const results = await this.commit(group.map((entry) => entry.request));
      this.groups++;
      group.forEach((entry, index) => entry.resolve(results[index]!));
      return;
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
    }
    // One request of the group failed the transaction: each alone, so only that one fails.
    for (const entry of group) {
      try {
        const [result] = await this.commit([entry.request]);
        this.groups++;
        entry.resolve(result!);
      } catch (error) {
        entry.reject(error);
      }
    }
  }
}
