import pg from 'pg';

/**
 * Server-side prepared statements for the statements a node sends again and again.
 *
 * An unnamed statement is parsed and planned by PostgreSQL every time it is sent. For the long
 * locking statements of a hold or a confirmation that was a large part of the database's CPU: in the
 * booking bench, planning took 1.4 ms of each batch of holds and 0.7 ms of each batch of confirmations.
 * A named statement is parsed once per connection, and PostgreSQL keeps a generic plan for it when that
 * plan is no worse than planning each time (`plan_cache_mode = auto`; a statement that needs its
 * parameters' values to find a partial index keeps being planned for them).
 *
 * Under `auto`, the rush's statements kept being planned all the same: each takes arrays, and a plan made
 * for the arrays' real lengths always looks cheaper than the generic one; and every ANALYZE of a hot table
 * (autovacuum, every few seconds in a rush) threw away each connection's plans, which then planned five
 * times for their values before trying the generic one again. In the booking bench that was a third of
 * PostgreSQL's CPU per booking (2.2 ms to plan the hold's first statement, 430 times in 1,200 batches).
 * The group commits' transactions therefore use generic plans only (db/pool.ts `tx` `genericPlans`).
 *
 * A text gets a name the second time this process sends it, so one-off texts (a report with its filters
 * written in) never do, and at most `MAX_NAMED` texts get one, which bounds what each connection keeps.
 * Only `query(text, values)` is named; a query given as an object is sent as it is.
 */
const MAX_NAMED = 300;

/** The names of the texts this process prepares, and how often it has sent the others. */
const names = new Map<string, string>();
const seen = new Map<string, number>();

function nameFor(text: string): string | undefined {
  const name = names.get(text);
  if (name !== undefined || names.size >= MAX_NAMED) return name;
  const count = (seen.get(text) ?? 0) + 1;
  if (count < 2) {
    // Bounded too: a process that sends many one-off texts forgets them, not its memory.
    if (seen.size >= 10 * MAX_NAMED) seen.clear();
    seen.set(text, count);
    return undefined;
  }
  seen.delete(text);
  const named = `ansturm_${names.size + 1}`;
  names.set(text, named);
  return named;
}

/**
 * A plan PostgreSQL cached before the schema changed under it (a migration while nodes run) can fail
 * with "cached plan must not change result type". The connection then gives that text a new name, so the
 * next attempt prepares it again; until then the failure is answered as the database being unavailable.
 */
export const isStalePlan = (err: unknown): boolean =>
  err instanceof Error && (err as { code?: unknown }).code === '0A000' && /cached plan must not change result type/.test(err.message);

type Query = (...args: unknown[]) => unknown;

/** What a `preparing` client adds for statements it sends by other means than `query` (db/pipeline.ts). */
export interface Naming {
  /** The name this connection sends `text` under; undefined: unnamed, parsed each time. */
  statementName(text: string): string | undefined;
  /** `name`'s plan went stale (isStalePlan): the next attempt prepares `text` under a new one. */
  retire(text: string, name: string): void;
}

/** `Base` whose `query(text, values)` sends the text as a named, prepared statement once it repeats. */
export function preparing(Base: typeof pg.Client): typeof pg.Client {
  class Preparing extends Base implements Naming {
    /** Texts whose prepared statement went stale on this connection, and the name each goes by now. */
    private renamed: Map<string, string> | undefined;

    statementName(text: string): string | undefined {
      return this.renamed?.get(text) ?? nameFor(text);
    }

    retire(text: string, name: string): void {
      const renamed = (this.renamed ??= new Map());
      renamed.set(text, `${name}_${renamed.size + 1}`);
    }

    override query(...args: unknown[]): never {
      const [text, values] = args;
      const send = super.query as Query;
      if (typeof text !== 'string' || !Array.isArray(values)) return send.apply(this, args) as never;
      const name = this.statementName(text);
      if (name === undefined) return send.apply(this, args) as never;
      const config = { name, text, values };
      const callback = args[2];
      if (typeof callback === 'function') return send.call(this, config, callback) as never;
      return (send.call(this, config) as Promise<unknown>).catch((err: unknown) => {
        if (isStalePlan(err)) this.retire(text, name);
        throw err;
      }) as never;
    }
  }
  return Preparing as unknown as typeof pg.Client;
}
