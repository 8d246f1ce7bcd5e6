export {
  applyPlan,
  type ApplyClient,
  type ApplyOptions,
  type ApplyReport,
  type ApplyStatus,
  type ChangeResult,
  type WorkspaceResult,
} from './apply.js';
