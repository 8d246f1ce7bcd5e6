import { readFileSync } from 'node:fs';

/** The version in orws's own package.json (two levels above this file in src/ and dist/). */
export function readToolVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
