/**
 * The sandbox: a local, in-memory stand-in for the OpenRouter management API as orws uses it
 * (openapi/management.openapi.yaml): workspaces, budgets, default guardrails, members, organization members and
 * models, with a record of every request and fault injection for tests and rehearsals.
 */
export { startSandbox, MAX_BODY_BYTES } from './server.js';
export type { Sandbox, SandboxOptions, SandboxStateSnapshot, RecordedRequest } from './server.js';
export { parseFaults } from './faults.js';
export type { FaultRule, FaultsFile, MalformedKind } from './faults.js';
export type { SeedWorkspace } from './store.js';
export { StateSaveError } from './state-file.js';
export type {
  BudgetInterval,
  Guardrail,
  OrganizationMember,
  ResourceSeed,
  WorkspaceBudget,
  WorkspaceMember,
} from './resources.js';
export type { CatalogModel, SeedModel } from './catalog.js';
