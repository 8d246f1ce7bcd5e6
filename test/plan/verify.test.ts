import { describe, expect, it } from 'vitest';
import { verifyChange, type Change } from '../../src/plan/index.js';
import type { Workspace } from '../../src/schema/fields.js';
import { entry, planOf, workspace } from '../helpers/factories.js';

function onlyChange(entries: ReturnType<typeof entry>[], current: Workspace[]): Change {
  const change = planOf(entries, current).changes[0];
  if (change === undefined) throw new Error('expected a change');
  return change;
}

describe('verifyChange', () => {
  const remote = workspace({
    slug: 'prod',
    default_text_model: 'a/old',
    io_logging_api_key_ids: [1, 2],
  });
  const change = onlyChange(
    [entry({ slug: 'prod', default_text_model: 'a/new', io_logging_api_key_ids: [3] })],
    [remote],
  );

  it('is pending when the workspace still has the values the plan saw (key ids as a set)', () => {
    expect(verifyChange(change, { ...remote, io_logging_api_key_ids: [2, 1] })).toEqual({
      state: 'pending',
    });
  });

  it('is applied when the workspace already holds every planned value', () => {
    const now = { ...remote, default_text_model: 'a/new', io_logging_api_key_ids: [3] };
    expect(verifyChange(change, now)).toEqual({ state: 'applied' });
  });

  it('is stale when a field moved elsewhere, naming the workspace, field, planned and current value', () => {
    const state = verifyChange(change, { ...remote, default_text_model: 'someone/else' });
    expect(state).toEqual({
      state: 'stale',
      reasons: [
        `workspace "prod" (${remote.id}): default_text_model was "a/old" when planned, now "someone/else"`,
      ],
    });
  });

  it('is stale when the workspace is gone', () => {
    expect(verifyChange(change, undefined)).toEqual({
      state: 'stale',
      reasons: [`workspace "prod" (${remote.id}) no longer exists`],
    });
  });

  it('ignores fields the plan does not touch', () => {
    expect(verifyChange(change, { ...remote, name: 'renamed by someone' })).toEqual({
      state: 'pending',
    });
  });

  const create = onlyChange([entry({ slug: 'new', name: 'New' })], []);

  it('a create is pending while the slug is free', () => {
    expect(verifyChange(create, undefined)).toEqual({ state: 'pending' });
  });

  it('a create is stale when the slug appeared since the plan with other values', () => {
    const other = workspace({ slug: 'new', name: 'Someone else' });
    expect(verifyChange(create, other)).toEqual({
      state: 'stale',
      reasons: [
        `workspace "new" was to be created, but a workspace with that slug appeared since the plan (id ${other.id})`,
      ],
    });
  });

  it('a create is applied when the slug holds exactly the planned values', () => {
    const created = workspace({ slug: 'new', name: 'New' });
    expect(verifyChange(create, created)).toEqual({ state: 'applied' });
  });
});
