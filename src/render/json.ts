import type { Plan } from '../plan/types.js';

/** Renders the plan document (schema/plan.schema.json): the same text `--format json` prints and `--out` writes. */
export function renderPlanJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}
