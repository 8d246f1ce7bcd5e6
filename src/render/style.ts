/** How output is styled: ANSI colors only when asked for (a TTY without NO_COLOR/--no-color). */
export interface Style {
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const wrap =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

/** Returns a style that colors, or one that returns every text as it is. */
export function createStyle(color: boolean): Style {
  if (!color) {
    const plain = (text: string): string => text;
    return { green: plain, yellow: plain, red: plain, bold: plain, dim: plain };
  }
  return {
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    red: wrap(31, 39),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
  };
}
