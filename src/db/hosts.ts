import pg from 'pg';

/**
 * Several database hosts in one DATABASE_URL, as libpq writes them and with libpq's
 * `target_session_attrs=read-write`: `postgres://ansturm:…@db1:5432,db2:5432/ansturm`.
 * node-postgres connects to one host only, so this is the small part of libpq we need: every new
 * connection goes to the host that last was the primary; a host that refuses us, or turns out to be
 * a standby, passes the turn to the next one. After a failover the first connections fail (their
 * requests are answered 503 with Retry-After) and the following ones reach the promoted standby,
 * without a restart. A server cannot change from primary to standby without restarting, which ends
 * every connection to it, so checking each connection once, when it opens, is enough.
 */
export class DatabaseHosts {
  private current = 0;

  constructor(readonly urls: readonly string[]) {}

  /** Where the next connection goes. */
  get url(): string {
    return this.urls[this.current]!;
  }

  /** `url` failed us: the next connection tries the host after it (once, however many failed there at once). */
  failed(url: string): void {
    if (this.urls[this.current] === url) this.current = (this.current + 1) % this.urls.length;
  }
}

const known = new Map<string, DatabaseHosts>();

/** The hosts of a DATABASE_URL, shared by every pool and connection of this process that uses it. */
export function databaseHosts(url: string): DatabaseHosts {
  let hosts = known.get(url);
  if (!hosts) known.set(url, (hosts = new DatabaseHosts(splitHosts(url))));
  return hosts;
}

/** `postgres://u:p@h1:5432,h2:5433/db?x=y` as one URL per host; a URL with one host stays as it is. */
export function splitHosts(url: string): string[] {
  const parts = /^(postgres(?:ql)?:\/\/)([^@/?#]*@)?([^/?#]*)(.*)$/s.exec(url);
  if (!parts) return [url];
  const [, scheme, userinfo = '', hostList, rest] = parts;
  const hosts = hostList!.split(',').filter((h) => h !== '');
  if (hosts.length <= 1) return [url];
  const path = rest!.replace(/([?&])target_session_attrs=[^&#]*&?/, '$1').replace(/[?&]$/, '');
  return hosts.map((host) => `${scheme}${userinfo}${host}${path}`);
}

/** What a node refuses to write to: a standby, or a server whose sessions are read-only. */
const READ_ONLY = '25006';

type ConnectCallback = ((err: Error) => void) | ((err: null, client: pg.Client) => void);

/**
 * A pg.Client class whose connections go to the current primary of `url`'s hosts (pg.Pool takes
 * it as its `Client`). The server tells every new session whether it is a hot standby and whether
 * it is read-only (ParameterStatus since PostgreSQL 14), so the check costs no round trip.
 */
export function primaryClient(url: string): typeof pg.Client {
  const hosts = databaseHosts(url);
  if (hosts.urls.length === 1) return pg.Client;
  class PrimaryClient extends pg.Client {
    private readonly target: string;
    private readOnly = false;

    constructor(config?: string | pg.ClientConfig) {
      if (typeof config === 'string') config = { connectionString: config };
      const target = hosts.url;
      super({ ...config, connectionString: target });
      this.target = target;
      const connection = (this as unknown as { connection: NodeJS.EventEmitter }).connection;
      connection.on('parameterStatus', (m: { parameterName: string; parameterValue: string }) => {
        if ((m.parameterName === 'in_hot_standby' || m.parameterName === 'default_transaction_read_only') && m.parameterValue === 'on') {
          this.readOnly = true;
        }
      });
    }

    override connect(): Promise<pg.Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.Client> | void {
      const connected = super.connect().then(
        async () => {
          if (!this.readOnly) return this;
          hosts.failed(this.target);
          await this.end().catch(() => undefined);
          throw Object.assign(new Error(`${hostOf(this.target)} is a standby or read-only; the next connection tries the next host`), { code: READ_ONLY });
        },
        (err: unknown) => {
          hosts.failed(this.target);
          throw err;
        },
      );
      if (!callback) return connected;
      connected.then(
        (client) => (callback as (err: null, client: pg.Client) => void)(null, client),
        (err: Error) => (callback as (err: Error) => void)(err),
      );
    }
  }
  return PrimaryClient;
}

/** A single connection (a listener, the leader's lock) to the current primary. */
export function primaryConnection(url: string, config: Omit<pg.ClientConfig, 'connectionString'> = {}): pg.Client {
  const Client = primaryClient(url);
  return new Client({ ...config, connectionString: url });
}

const hostOf = (url: string): string => /^[^/]*\/\/(?:[^@/]*@)?([^/?#]*)/.exec(url)?.[1] ?? url;
