/**
 * A node's reload of an in-memory copy from the database, shared by everyone who asks. `run()` starts
 * one or joins the one running (a periodic tick); `fresh()` resolves once a load that began after the
 * call has finished, so a change made before the call is in memory then (calls during a load share
 * the one load that follows it). Used by the availability view and the waiting rooms' view.
 */
export class SharedLoad {
  private running: Promise<void> | undefined;
  private following: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly load: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  run(): Promise<void> {
    this.running ??= this.load()
      .catch(this.onError)
      .finally(() => (this.running = undefined));
    return this.running;
  }

  fresh(): Promise<void> {
    if (!this.running) return this.run();
    this.following ??= this.running.then(() => {
      this.following = undefined;
      return this.stopped ? undefined : this.run();
    });
    return this.following;
  }

  /** No load follows any more; resolves when the one running has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
