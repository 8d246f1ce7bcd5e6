import { readFileSync } from 'node:fs';

let version: string | undefined;

/** The version in orws's own package.json (one level above this file in src/ and dist/), read once. */
export function readToolVersion(): string {
  if (version === undefined) {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    version = (JSON.parse(text) as { version: string }).version;
  }
  return version;
}
