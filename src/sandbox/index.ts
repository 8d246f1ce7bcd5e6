/**
 * The sandbox: a local, in-memory stand-in for the OpenRouter workspaces API (SPEC §4),
 * with a record of every request and fault injection for tests and rehearsals.
 */
export { startSandbox, MAX_BODY_BYTES } from './server.js';
export type { Sandbox, SandboxOptions, RecordedRequest } from './server.js';
export { parseFaults } from './faults.js';
export type { FaultRule, FaultsFile, MalformedKind } from './faults.js';
export type { SeedWorkspace } from './store.js';
