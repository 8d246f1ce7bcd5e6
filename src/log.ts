import { pino, type DestinationStream, type Logger } from 'pino';
import { SCRUBBED } from './safe-text.js';

export type { DestinationStream, Logger };

/**
 * Paths pino blanks out wherever they appear in a log object. orws never puts the key or
 * request headers in a log line; this is the second lock on that door.
 */
const REDACT_PATHS = [
  'authorization',
  'Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.authorization',
  '*.Authorization',
  '*.headers.authorization',
  'apiKey',
  '*.apiKey',
  'key',
  '*.key',
];

/**
 * Creates the logger: JSON lines at `level`, to `destination` (default: stderr, fd 2). The CLI
 * passes its own stderr so that a run in-process logs where its caller reads.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      name: 'orws',
      level,
      redact: { paths: REDACT_PATHS, censor: SCRUBBED },
      base: null,
    },
    destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that writes nothing, for library callers that pass none. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
