/**
 * The config loader: YAML files → the desired state. `loadConfig` reads from disk;
 * `parseConfigText` does the same for one file's text without touching the disk.
 */
export { loadConfig, DEFAULT_CONFIG_PATH, type LoadConfigOptions } from './load.js';
export { parseConfigText, MAX_CONFIG_BYTES, MAX_ALIAS_COUNT, MAX_EXPANDED_NODES } from './parse.js';
export type {
  DesiredState,
  DesiredWorkspace,
  DesiredBudgets,
  DesiredGuardrail,
  DesiredMembers,
  GuardrailFields,
} from './types.js';
