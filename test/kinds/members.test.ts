import { describe, expect, it } from 'vitest';
import { membersKind } from '../../src/kinds/members.js';
import { entry } from '../helpers/factories.js';

describe('members kind', () => {
  it('labels every user id with its email, an id named `__proto__` as a key like any other', () => {
    const people = {
      idByEmail: new Map([
        ['erin@example.com', '__proto__'],
        ['bob@example.com', 'user_bob'],
      ]),
      emailById: new Map([
        ['__proto__', 'erin@example.com'],
        ['user_bob', 'bob@example.com'],
      ]),
    };
    const desired = {
      ...entry({ slug: 'p' }),
      members: { members: ['erin@example.com'], source: { file: 'w.yaml', line: 3, col: 5 } },
    };
    const diff = membersKind.diff(desired, { user_ids: ['user_bob'] }, { people });
    expect(diff.fields).toEqual([{ field: 'members', before: ['user_bob'], after: ['__proto__'] }]);
    expect(Object.keys(diff.labels ?? {}).sort()).toEqual(['__proto__', 'user_bob']);
    expect(Object.getPrototypeOf(diff.labels)).toBe(Object.prototype);
  });
});
