/**
 * The shapes of the answers the part kinds read, with their checks. The checks are generated at
 * build time from the vendored OpenAPI document (scripts/build-validator.mjs), tolerant: only
 * what orws reads is checked, so a field orws does not use may change without failing a run.
 */
import type { GuardrailFields } from '../config/types.js';
import {
  validateGuardrailEnvelope,
  validateListBudgetsResponse,
  validateListModelsResponse,
  validateListOrganizationMembersResponse,
  validateListWorkspaceMembersResponse,
  validateMembersChangeResponse,
} from '../schema/generated/validate-response.js';

/** `GET /workspaces/{id}/budgets`. */
export interface BudgetsAnswer {
  data: { limit_usd: number; reset_interval: 'daily' | 'weekly' | 'monthly' | null }[];
  include_byok_in_budgets?: boolean;
}

/** `GET` or `PATCH /guardrails/{id}`. */
export interface GuardrailAnswer {
  data: { id: string } & Partial<GuardrailFields>;
}

/** A page of `GET /workspaces/{id}/members`. */
export interface MemberItem {
  user_id: string;
}

/** A page of `GET /organization/members`. */
export interface PersonItem {
  id: string;
  email: string;
}

/** `GET /models`. */
export interface ModelsAnswer {
  data: { id: string; canonical_slug: string }[];
}

export {
  validateListBudgetsResponse as isBudgetsAnswer,
  validateGuardrailEnvelope as isGuardrailAnswer,
  validateListWorkspaceMembersResponse as isMembersPage,
  validateListOrganizationMembersResponse as isPeoplePage,
  validateListModelsResponse as isModelsAnswer,
  validateMembersChangeResponse as isMembersChangeAnswer,
};
