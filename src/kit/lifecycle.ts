// Tracks work in flight so a SIGTERM can stop taking new work, let running handlers finish
// (bounded), and only then close the database under them.

export class Lifecycle {
  private inFlight = 0;
  private readonly idleWaiters: Array<() => void> = [];
  private stoppingFlag = false;

  get stopping(): boolean {
    return this.stoppingFlag;
  }

  get pending(): number {
    return this.inFlight;
  }

  /** Runs `work`, counting it as in flight until it settles. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  beginStopping(): void {
    this.stoppingFlag = true;
  }

  /** Resolves true once nothing is in flight, or false when `timeoutMs` passes first. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
