/**
 * Runs the config JSON Schema (schema/workspaces.schema.json, compiled at build time by
 * scripts/build-validator.mjs) over a parsed config document. Pure: no I/O.
 */
import type { ErrorObject } from 'ajv';
import validate from './generated/validate-config.js';

/**
 * How many entries of `workspaces` one run of the validator sees. ajv's generated code
 * gathers errors with `vErrors.concat(...)` once per invalid entry, which copies the list
 * every time: quadratic in the number of errors (about 0.8 s for 10,000 bad entries).
 * Running it on slices of this size keeps the total linear.
 */
const ENTRIES_PER_RUN = 256;

/**
 * Validates one config document (the JavaScript value of a YAML file) against the schema
 * and returns every error, in document order of the entries; empty when the document is
 * valid. `instancePath`s point into `data` itself, whatever slicing happened inside.
 */
export function validateConfigData(data: unknown): ErrorObject[] {
  if (
    !isRecord(data) ||
    !Array.isArray(data.workspaces) ||
    data.workspaces.length <= ENTRIES_PER_RUN
  ) {
    return runValidator(data);
  }
  const entries: unknown[] = data.workspaces;
  // The document without its entries: version, defaults and unknown top-level keys.
  const errors = runValidator({ ...data, workspaces: [] });
  for (let start = 0; start < entries.length; start += ENTRIES_PER_RUN) {
    const slice = { version: 1, workspaces: entries.slice(start, start + ENTRIES_PER_RUN) };
    for (const error of runValidator(slice)) {
      errors.push({ ...error, instancePath: shiftEntryIndex(error.instancePath, start) });
    }
  }
  return errors;
}

function runValidator(data: unknown): ErrorObject[] {
  if (validate(data)) return [];
  return validate.errors ? [...validate.errors] : [];
}

/** `/workspaces/3/name` with offset 512 → `/workspaces/515/name`. */
function shiftEntryIndex(instancePath: string, offset: number): string {
  const match = /^\/workspaces\/(\d+)/.exec(instancePath);
  if (!match?.[1]) return instancePath;
  return `/workspaces/${Number(match[1]) + offset}${instancePath.slice(match[0].length)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
