import type { CliOutput } from './io.js';

/** A one-line progress indicator on a terminal's stderr; silent when not enabled. */
export interface Progress {
  update(text: string): void;
  done(): void;
}

/**
 * Progress is drawn with a carriage return and an erase-line code, so it is enabled only on a
 * TTY that may show escape codes (not with NO_COLOR or --no-color).
 */
export function createProgress(stream: CliOutput, enabled: boolean): Progress {
  let shown = false;
  return {
    update(text) {
      if (!enabled) return;
      stream.write(`\r\u001b[K${text}`);
      shown = true;
    },
    done() {
      if (!enabled || !shown) return;
      stream.write('\r\u001b[K');
      shown = false;
    },
  };
}
