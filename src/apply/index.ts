export {
  applyPlan,
  type ApplyClient,
  type ApplyOptions,
  type ApplyReport,
  type ApplyStatus,
  type WorkspaceResult,
} from './apply.js';
