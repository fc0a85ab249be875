import { pino, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

/**
 * The process's logger: JSON lines for machines (journald, a log shipper), and readable lines when a
 * person watches the terminal (stdout is a TTY), unless ANSTURM_LOG_FORMAT says json or pretty.
 */
export function createLogger(options: LoggerOptions, format = process.env.ANSTURM_LOG_FORMAT): Logger {
  const readable = format === 'pretty' || (format !== 'json' && process.stdout.isTTY === true);
  return readable ? pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'hostname', sync: true })) : pino(options);
}

/**
 * A notice a person must see and act on (the first admin's password): framed on stderr, never inside a
 * JSON log line where it would be stored and shipped with the logs.
 */
export function framedNotice(lines: string[], out: (text: string) => void = (text) => process.stderr.write(text)): void {
  const width = Math.max(...lines.map((l) => l.length));
  const bar = `+${'-'.repeat(width + 2)}+`;
  out(['', bar, ...lines.map((l) => `| ${l.padEnd(width)} |`), bar, ''].join('\n') + '\n');
}
