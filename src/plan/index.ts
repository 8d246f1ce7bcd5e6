export { computePlan, matchEntries, type CurrentState, type PlanInput } from './compute.js';
export { parsePlanDocument } from './document.js';
export { verifyChange, type ChangeState } from './verify.js';
export * from './types.js';
