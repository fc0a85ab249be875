import { EventEmitter } from 'node:events';
import type pg from 'pg';
import pgUtils from 'pg/lib/utils.js';
import { isStalePlan, type Naming } from './prepared.js';
import type { Sql } from './pool.js';

/**
 * A statement and the COMMIT after it, written to PostgreSQL at once and answered in one round trip: the
 * extended protocol's Parse (once per connection for a named statement), Bind and Execute for the statement,
 * the same for COMMIT, then one Sync. Should the statement fail, PostgreSQL skips everything up to the Sync, so
 * the COMMIT never runs and the transaction stays to be rolled back. node-postgres sends one statement per round
 * trip; this is a submittable of its own (`client.query(submittable)`, as pg-cursor is), so the statement keeps
 * its parameters and its prepared plan instead of being written into one simple query with the COMMIT.
 */
export function commitWith(client: pg.ClientBase, sql: Sql): Promise<void> {
  const naming = client as Partial<Naming>;
  const name = naming.statementName?.(sql.text);
  // As pg would send them (arrays as array literals, objects as JSON); done here, before anything is written,
  // so that a value pg cannot send fails this promise and leaves the connection as it was.
  const values = sql.values.map((value) => pgUtils.prepareValue(value));
  return new Promise<void>((resolve, reject) => {
    const submittable = new ThenCommit(name, sql.text, values, (err) => {
      if (err === undefined) return resolve();
      if (name !== undefined && isStalePlan(err)) naming.retire?.(sql.text, name);
      reject(err);
    });
    // pg's typings give a submittable the Connection of @types/pg, which lacks what pg's code has (Wire).
    client.query(submittable as unknown as pg.Submittable);
  });
}

/** pg's connection as a submittable drives it (pg/lib/connection.js; its typings lag behind its code). */
interface Wire {
  stream: { cork?(): void; uncork?(): void };
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  parse(query: { name?: string; text: string }): void;
  bind(config: { statement?: string; values?: unknown[] }): void;
  execute(config: { portal?: string }): void;
  sync(): void;
  sendCopyFail(message: string): void;
}

/**
 * The client hands every answer of the round trip to the active submittable. `name` and `text` are read by the
 * client itself: on ParseComplete it records the statement as prepared on this connection, on an error it forgets a
 * Parse still in flight (as for its own queries).
 */
class ThenCommit extends EventEmitter {
  constructor(
    readonly name: string | undefined,
    readonly text: string,
    private readonly values: unknown[],
    private readonly settle: (err?: Error) => void,
  ) {
    super();
  }

  submit(connection: Wire): void {
    connection.stream.cork?.();
    try {
      const parsed = this.name !== undefined && (connection.parsedStatements[this.name] ?? connection.submittedNamedStatements[this.name]) !== undefined;
      if (!parsed) {
        connection.parse({ name: this.name, text: this.text });
        if (this.name !== undefined) connection.submittedNamedStatements[this.name] = this.text;
      }
      connection.bind({ statement: this.name, values: this.values });
      connection.execute({});
      connection.parse({ text: 'COMMIT' });
      connection.bind({});
      connection.execute({});
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
  }

  /** A failure of either statement, or of the connection: the client reports nothing more for this round trip. */
  handleError(err: Error): void {
    this.settle(err);
  }

  handleReadyForQuery(): void {
    this.settle();
  }

  // Nobody reads the statement's answer (atCommit's statements return nothing), nor the COMMIT's.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
  handleCopyInResponse(connection: Wire): void {
    connection.sendCopyFail('COPY is not sent with a COMMIT');
  }
}
