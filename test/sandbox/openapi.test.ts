import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientResponseSchemas } from '../../src/schema/generated/client-response-schemas.js';
import {
  validateCreateWorkspaceRequest,
  validateMembersChangeRequest,
  validateUpdateGuardrailRequest,
  validateUpdateWorkspaceRequest,
  validateUpsertBudgetRequest,
} from '../../src/schema/generated/validate-request.js';
import {
  validateBudgetEnvelope,
  validateDeleteBudgetResponse,
  validateGuardrailEnvelope,
  validateListBudgetsResponse,
  validateListModelsResponse,
  validateListOrganizationMembersResponse,
  validateListWorkspaceMembersResponse,
  validateListWorkspacesResponse,
  validateMembersChangeResponse,
  validateWorkspaceEnvelope,
} from '../../src/schema/generated/validate-response.js';
import { workspace } from '../helpers/factories.js';
import { pointer, resolveSchema, spec, specProblems } from './spec.js';

const WORKSPACE = workspace({
  id: '550e8400-e29b-41d4-a716-446655440000',
  slug: 'production',
  name: 'Production',
  created_by: null,
});

describe('the vendored OpenAPI document', () => {
  it('is the official document byte for byte, and has every path orws uses', () => {
    const text = readFileSync(new URL('../../openapi/management.openapi.yaml', import.meta.url));
    expect(text.length).toBeGreaterThan(100_000);
    // The official document's sha256 (compared with cmp to OpenRouter's when vendored): a
    // change of any byte, by hand or by a formatter, fails here.
    expect(createHash('sha256').update(text).digest('hex')).toBe(
      '5e853c79fdc979de8fcab1e41447b6c398778a4ec7b97d15a627072f408661d3',
    );
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/workspaces',
        '/workspaces/{id}',
        '/workspaces/{id}/budgets',
        '/workspaces/{id}/budgets/{interval}',
        '/workspaces/{id}/members',
        '/workspaces/{id}/members/add',
        '/workspaces/{id}/members/remove',
        '/guardrails',
        '/guardrails/{id}',
        '/organization/members',
        '/models',
      ]),
    );
  });
});

describe('client response validators (tolerant reading)', () => {
  it('accept a Workspace without default_guardrail_id, or with a created_at of another type', () => {
    const withoutGuardrail: Partial<typeof WORKSPACE> = { ...WORKSPACE };
    delete withoutGuardrail.default_guardrail_id;
    expect(validateWorkspaceEnvelope({ data: withoutGuardrail })).toBe(true);
    expect(validateWorkspaceEnvelope({ data: { ...WORKSPACE, created_at: 5 } })).toBe(true);
    expect(validateWorkspaceEnvelope({ data: { ...WORKSPACE, brand_new_field: [1] } })).toBe(true);
  });

  it('refuse a Workspace without slug, or with a read field of the wrong type', () => {
    const withoutSlug: Partial<typeof WORKSPACE> = { ...WORKSPACE };
    delete withoutSlug.slug;
    expect(validateWorkspaceEnvelope({ data: withoutSlug })).toBe(false);
    expect(validateWorkspaceEnvelope({ data: { ...WORKSPACE, default_guardrail_id: 5 } })).toBe(
      false,
    );
    expect(validateListWorkspacesResponse({ data: [WORKSPACE], total_count: 1 })).toBe(true);
    expect(validateListWorkspacesResponse({ data: [WORKSPACE] })).toBe(false);
  });

  it('check budgets, guardrails, members, organization members and models by what orws reads', () => {
    const budget = { limit_usd: 20, reset_interval: 'daily', id: 'x', created_at: 1 };
    expect(validateListBudgetsResponse({ data: [budget] })).toBe(true);
    expect(validateListBudgetsResponse({ data: [{ reset_interval: 'daily' }] })).toBe(false);
    expect(validateBudgetEnvelope({ data: budget, include_byok_in_budgets: true })).toBe(true);
    expect(validateBudgetEnvelope({ data: budget, include_byok_in_budgets: 'yes' })).toBe(false);
    expect(validateDeleteBudgetResponse({ deleted: true })).toBe(true);
    expect(validateDeleteBudgetResponse({})).toBe(false);
    expect(validateGuardrailEnvelope({ data: { id: 'g', allowed_models: ['a/b'] } })).toBe(true);
    expect(validateGuardrailEnvelope({ data: { id: 'g', allowed_models: 'a/b' } })).toBe(false);
    expect(
      validateListWorkspaceMembersResponse({ data: [{ user_id: 'u', role: 'x' }], total_count: 1 }),
    ).toBe(true);
    expect(validateListWorkspaceMembersResponse({ data: [{ role: 'x' }], total_count: 1 })).toBe(
      false,
    );
    expect(validateMembersChangeResponse({ added_count: 1, data: [] })).toBe(true);
    expect(validateMembersChangeResponse({ removed_count: 2 })).toBe(true);
    expect(validateMembersChangeResponse({ data: [] })).toBe(false);
    expect(
      validateListOrganizationMembersResponse({
        data: [{ id: 'u', email: 'a@example.com' }],
        total_count: 1,
      }),
    ).toBe(true);
    expect(validateListOrganizationMembersResponse({ data: [{ id: 'u' }], total_count: 1 })).toBe(
      false,
    );
    expect(validateListModelsResponse({ data: [{ id: 'a/b', canonical_slug: 'a/b-1' }] })).toBe(
      true,
    );
    expect(validateListModelsResponse({ data: [{ id: 'a/b' }] })).toBe(false);
  });

  it('keep only properties the spec has, each with the spec’s type, and require only what the spec requires', () => {
    expect(clientResponseSchemas.length).toBeGreaterThan(10);
    for (const { name, source, schema } of clientResponseSchemas) {
      const specSchema = resolveSchema(pointer(source));
      const specProperties = specSchema.properties as Record<string, Record<string, unknown>>;
      for (const [property, kept] of Object.entries(schema.properties)) {
        const specProperty = specProperties[property];
        expect(specProperty, `${name}.${property}`).toBeDefined();
        if (specProperty === undefined) continue;
        const resolved = resolveSchema(specProperty);
        if (kept.$ref === undefined) {
          expect(kept.type, `${name}.${property}`).toEqual(resolved.type);
        } else {
          expect(resolved.type, `${name}.${property}`).toBe('object');
        }
      }
      // Tolerant: a field the spec lets an answer leave out is never required by orws.
      const specRequired = (specSchema.required ?? []) as string[];
      for (const required of schema.required) {
        expect(Object.keys(schema.properties), `${name} requires ${required}`).toContain(required);
        expect(specRequired, `${name} requires ${required}, which the spec does not`).toContain(
          required,
        );
      }
    }
  });
});

describe('client request validators (the spec’s request schemas as they are)', () => {
  it('apply the spec’s rules', () => {
    expect(validateCreateWorkspaceRequest({ name: 'A', slug: 'a' })).toBe(true);
    expect(validateCreateWorkspaceRequest({ name: 'A' })).toBe(false);
    expect(validateUpdateWorkspaceRequest({ slug: 'Bad Slug' })).toBe(false);
    expect(validateUpdateWorkspaceRequest({ description: 'x'.repeat(501) })).toBe(false);
    expect(validateUpsertBudgetRequest({ limit_usd: 10 })).toBe(true);
    expect(validateUpsertBudgetRequest({ include_byok_in_budgets: true })).toBe(false);
    expect(validateUpdateGuardrailRequest({ allowed_models: [] })).toBe(false);
    expect(validateUpdateGuardrailRequest({ reset_interval: 'hourly' })).toBe(false);
    expect(validateUpdateGuardrailRequest({ reset_interval: null, limit_usd: 5 })).toBe(true);
    expect(validateMembersChangeRequest({ user_ids: ['u'] })).toBe(true);
    expect(validateMembersChangeRequest({ user_ids: Array(101).fill('u') })).toBe(false);
  });
});

describe('the conformance check the sandbox tests rely on', () => {
  it('finds what the spec’s full schema refuses (and the tolerant client schema would not)', () => {
    const budget = {
      id: '770e8400-e29b-41d4-a716-446655440000',
      workspace_id: '550e8400-e29b-41d4-a716-446655440000',
      limit_usd: 100,
      reset_interval: 'monthly',
      created_at: '2025-08-24T10:30:00Z',
      updated_at: '2025-08-24T15:45:00Z',
    };
    expect(specProblems('GET', '/workspaces/{id}/budgets', 200, { data: [budget] })).toEqual([]);
    const withoutCreatedAt: Partial<typeof budget> = { ...budget };
    delete withoutCreatedAt.created_at;
    expect(
      specProblems('GET', '/workspaces/{id}/budgets', 200, { data: [withoutCreatedAt] }),
    ).not.toEqual([]);
    expect(validateListBudgetsResponse({ data: [withoutCreatedAt] })).toBe(true);
    expect(
      specProblems('GET', '/workspaces/{id}/budgets', 200, {
        data: [{ ...budget, reset_interval: 'hourly' }],
      }),
    ).not.toEqual([]);
    expect(
      specProblems('GET', '/workspaces/{id}/budgets', 200, { data: [{ ...budget, id: 'x' }] }),
    ).not.toEqual([]);
  });
});
