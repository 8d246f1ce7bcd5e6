import { PlanFileError } from '../errors.js';
import validatePlanDocument from '../schema/generated/validate-plan.js';
import { PLAN_FORMAT_VERSION, type Plan } from './types.js';

/**
 * Reads a plan document written by `orws plan --out`. Checks its format version first (a
 * newer orws may write a format this one cannot apply), then its shape (schema/plan.schema.json).
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
    throw new PlanFileError(
      `${source} has plan format_version ${JSON.stringify(value.format_version)}; this orws applies format_version ${PLAN_FORMAT_VERSION} only. Make the plan again with this orws.`,
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
  return value as unknown as Plan;
}
