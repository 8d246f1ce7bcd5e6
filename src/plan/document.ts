import { isDeepStrictEqual } from 'node:util';
import jsonpatch from 'fast-json-patch';
import { PlanFileError } from '../errors.js';
import { findKind } from '../kinds/registry.js';
import validatePlanDocument from '../schema/generated/validate-plan.js';
import { makeChange } from './change.js';
import { PLAN_FORMAT_VERSION, type Change, type Plan } from './types.js';

/**
 * Reads a plan document written by `orws plan --out`. Checks its format version first (a
 * newer or older orws may write a format this one cannot apply), then its shape
 * (schema/plan.schema.json), then that every change's derived parts (`body`, `operations`)
 * are what its `fields` make, and the summary what its lists count: a file whose parts
 * disagree is refused, whatever edited it.
 *
 * @throws PlanFileError naming `source` and what is wrong.
 */
export function parsePlanDocument(text: string, source: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PlanFileError(`${source} is not a plan file: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || !('format_version' in value)) {
    throw new PlanFileError(`${source} is not an orws plan file (no format_version)`);
  }
  if (value.format_version !== PLAN_FORMAT_VERSION) {
    const older =
      typeof value.format_version === 'number' && value.format_version < PLAN_FORMAT_VERSION;
    throw new PlanFileError(
      `${source} has plan format_version ${JSON.stringify(value.format_version)}; this orws applies format_version ${PLAN_FORMAT_VERSION} only. ` +
        (older
          ? 'Run `orws plan` again to make a new plan.'
          : 'Make the plan again with this orws.'),
    );
  }
  if (!validatePlanDocument(value)) {
    const error = validatePlanDocument.errors?.[0];
    const where =
      error?.instancePath === '' || error === undefined ? '' : ` at ${error.instancePath}`;
    throw new PlanFileError(
      `${source} is not a valid orws plan${where}: ${error?.message ?? 'unexpected shape'}`,
    );
  }
  const plan = value as unknown as Plan;
  plan.changes.forEach((change, index) => {
    checkDerivedParts(change, `${source}: changes[${index}]`);
  });
  checkSummary(plan, source);
  return plan;
}

function checkDerivedParts(change: Change, where: string): void {
  const kind = findKind(change.kind);
  if (kind === undefined)
    throw new PlanFileError(`${where} has an unknown kind ${JSON.stringify(change.kind)}`);
  const known = new Set(kind.fields);
  const seen = new Set<string>();
  for (const field of change.fields) {
    if (!known.has(field.field) || seen.has(field.field)) {
      throw new PlanFileError(
        `${where} names ${kind.name} field ${JSON.stringify(field.field)} ${seen.has(field.field) ? 'twice' : 'which does not exist'}`,
      );
    }
    seen.add(field.field);
    if (change.action === 'update' && !('before' in field)) {
      throw new PlanFileError(
        `${where}: field ${JSON.stringify(field.field)} of an update has no "before"`,
      );
    }
  }
  const expected = makeChange(kind, change.action, change, change.fields, change.labels);
  for (const part of ['body', 'operations'] as const) {
    if (!isDeepStrictEqual(normalize(change[part]), normalize(expected[part]))) {
      throw new PlanFileError(
        `${where} (workspace ${JSON.stringify(change.slug)} ${kind.name}): its ${part} does not match its fields; the file was edited or is corrupt. Run \`orws plan\` again.`,
      );
    }
  }
  // fast-json-patch returns its error (or undefined, whatever its types say) for a malformed operation.
  const problem: unknown = jsonpatch.validate(change.operations as jsonpatch.Operation[]);
  if (problem instanceof Error) throw new PlanFileError(`${where}: ${problem.message}`);
}

function checkSummary(plan: Plan, source: string): void {
  const count = (action: Change['action']): number =>
    plan.changes.filter((c) => c.action === action).length;
  const expected = {
    create: count('create'),
    update: count('update'),
    unchanged: plan.unchanged.length,
    unmanaged: plan.unmanaged.length,
    missing: count('missing'),
  };
  if (!isDeepStrictEqual({ ...plan.summary }, expected)) {
    throw new PlanFileError(
      `${source}: its summary does not count its changes; the file was edited or is corrupt. Run \`orws plan\` again.`,
    );
  }
}

/** A JSON value as JSON would carry it (undefined members dropped). */
function normalize(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
