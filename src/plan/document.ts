import { Ajv } from 'ajv';
import { PlanFileError } from '../errors.js';
import { WRITABLE_FIELDS } from '../schema/fields.js';
import { PLAN_FORMAT_VERSION, type Plan } from './types.js';

const ref = {
  type: 'object',
  required: ['id', 'slug'],
  properties: { id: { type: 'string' }, slug: { type: 'string' } },
};

const fieldName = { enum: [...WRITABLE_FIELDS] };

/** The shape of the plan document (SPEC §3), checked before a saved plan is trusted. */
const planDocumentSchema = {
  type: 'object',
  required: ['format_version', 'base_url', 'changes', 'unchanged', 'unmanaged', 'summary'],
  properties: {
    format_version: { type: 'integer' },
    tool_version: { type: 'string' },
    created_at: { type: 'string' },
    base_url: { type: 'string' },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['action', 'slug', 'body', 'fields', 'operations'],
        properties: {
          action: { enum: ['create', 'update'] },
          id: { type: 'string' },
          slug: { type: 'string' },
          body: { type: 'object', propertyNames: fieldName },
          fields: {
            type: 'array',
            items: {
              type: 'object',
              required: ['field', 'after'],
              properties: { field: fieldName },
            },
          },
          operations: {
            type: 'array',
            items: {
              type: 'object',
              required: ['op', 'path'],
              properties: { op: { enum: ['test', 'replace', 'add'] }, path: { type: 'string' } },
            },
          },
        },
        if: { properties: { action: { const: 'update' } } },
        then: { required: ['id'] },
      },
    },
    unchanged: { type: 'array', items: ref },
    unmanaged: { type: 'array', items: ref },
    summary: { type: 'object' },
  },
} as const;

/**
 * Reads a plan document written by `orws plan --out`. Checks its format version first (a
 * newer orws may write a format this one cannot apply), then its shape.
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
  const validate = new Ajv({ allErrors: false, strict: false }).compile(planDocumentSchema);
  if (!validate(value)) {
    const error = validate.errors?.[0];
    const where =
      error?.instancePath === '' || error === undefined ? '' : ` at ${error.instancePath}`;
    throw new PlanFileError(
      `${source} is not a valid orws plan${where}: ${error?.message ?? 'unexpected shape'}`,
    );
  }
  return value as unknown as Plan;
}
