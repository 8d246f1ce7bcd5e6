/** The budgets, guardrail and members blocks of an entry: what they become, and every rule checked offline. */
import { describe, expect, it } from 'vitest';
import { parseConfigText, type DesiredWorkspace } from '../../src/config/index.js';
import { formatIssue } from '../../src/errors.js';

const FILE = 'workspaces.yaml';

/** A config of one entry `slug: a` followed by `lines` (each indented as a field of it). */
function entryConfig(...lines: string[]): string {
  return ['version: 1', 'workspaces:', '  - slug: a', ...lines.map((l) => `    ${l}`), ''].join(
    '\n',
  );
}

function messages(text: string): string[] {
  return parseConfigText(text, FILE).issues.map(formatIssue);
}

function workspacesOf(text: string): DesiredWorkspace[] {
  const { workspaces, issues } = parseConfigText(text, FILE);
  expect(issues.map(formatIssue)).toEqual([]);
  return workspaces;
}

function onlyWorkspace(text: string): DesiredWorkspace {
  const [workspace, ...rest] = workspacesOf(text);
  expect(rest).toEqual([]);
  if (!workspace) throw new Error('no workspace');
  return workspace;
}

describe('budgets', () => {
  it('manages only the intervals named: a number is the limit, null removes it', () => {
    const workspace = onlyWorkspace(
      entryConfig(
        'budgets:',
        '  monthly: 500',
        '  daily: 25',
        '  lifetime: null',
        '  include_byok: true',
      ),
    );
    expect(workspace.budgets).toEqual({
      limits: { monthly: 500, daily: 25, lifetime: null },
      include_byok: true,
      source: { file: FILE, line: 4, col: 5 },
    });
  });

  it('is unmanaged when absent, and include_byok is unmanaged when not given', () => {
    expect(onlyWorkspace(entryConfig()).budgets).toBeUndefined();
    const workspace = onlyWorkspace(entryConfig('budgets: { weekly: 10 }'));
    expect(workspace.budgets?.limits).toEqual({ weekly: 10 });
    expect(workspace.budgets && 'include_byok' in workspace.budgets).toBe(false);
  });

  const order: [string, string][] = [
    [
      'budgets: { daily: 25, weekly: 100, monthly: 90 }',
      '4:35: the weekly budget (100) must be less than the monthly budget (90)',
    ],
    [
      'budgets: { daily: 50, lifetime: 50 }',
      '4:23: the daily budget (50) must be less than the lifetime budget (50)',
    ],
    [
      'budgets: { monthly: 600, lifetime: 500, weekly: null }',
      '4:25: the monthly budget (600) must be less than the lifetime budget (500)',
    ],
  ];
  it.each(order)(
    '%s is refused: limits strictly decrease as the interval narrows',
    (line, want) => {
      const [found] = messages(entryConfig(line));
      expect(found).toContain(`${FILE}:${want}`);
      expect(found).toContain('(lifetime > monthly > weekly > daily)');
    },
  );

  it('compares only the intervals given a number', () => {
    const workspace = onlyWorkspace(
      entryConfig('budgets: { daily: 5, weekly: null, monthly: 10, lifetime: 11.5 }'),
    );
    expect(workspace.budgets?.limits).toEqual({
      daily: 5,
      weekly: null,
      monthly: 10,
      lifetime: 11.5,
    });
  });

  const bad: [string, string][] = [
    ['budgets: { monthly: 0 }', '4:25: monthly must be greater than 0 (got 0)'],
    ['budgets: { daily: -1 }', '4:23: daily must be greater than 0 (got -1)'],
    [
      'budgets: { daily: "5" }',
      '4:23: daily must be a number or null (got "5"); remove the quotes',
    ],
    ['budgets: { include_byok: yes }', '4:30: include_byok: "yes" is not a boolean'],
    ['budgets: { montly: 5 }', '4:16: unknown key "montly" in budgets (did you mean "monthly"?)'],
    ['budgets: { yearly: 5 }', '4:16: unknown key "yearly" in budgets'],
    ['budgets: null', '4:14: budgets cannot be null: remove the key to leave budgets unmanaged'],
    ['budgets: [500]', '4:14: budgets must be a mapping (got a list)'],
  ];
  it.each(bad)('%s → %s', (line, want) => {
    expect(messages(entryConfig(line)).join('\n')).toContain(`${FILE}:${want}`);
  });
});

describe('guardrail', () => {
  it('manages only the keys it names, null included, with the source at its key', () => {
    const workspace = onlyWorkspace(
      entryConfig(
        'guardrail:',
        '  allowed_models: [openai/gpt-4o, anthropic/claude-sonnet-4]',
        '  limit_usd: 1000',
        '  reset_interval: monthly',
        '  description: null',
        '  content_filter_builtins: [{ slug: regex-prompt-injection, action: block }]',
        '  content_filters: [{ pattern: "sk-[a-z]+", action: redact, label: "[KEY]" }]',
      ),
    );
    expect(workspace.guardrail).toEqual({
      fields: {
        allowed_models: ['openai/gpt-4o', 'anthropic/claude-sonnet-4'],
        limit_usd: 1000,
        reset_interval: 'monthly',
        description: null,
        content_filter_builtins: [{ slug: 'regex-prompt-injection', action: 'block' }],
        content_filters: [{ pattern: 'sk-[a-z]+', action: 'redact', label: '[KEY]' }],
      },
      source: { file: FILE, line: 4, col: 5 },
    });
  });

  it('accepts limit_usd: null with reset_interval: null, and 0 as a limit', () => {
    expect(
      onlyWorkspace(entryConfig('guardrail: { limit_usd: null, reset_interval: null }')).guardrail
        ?.fields,
    ).toEqual({ limit_usd: null, reset_interval: null });
    expect(onlyWorkspace(entryConfig('guardrail: { limit_usd: 0 }')).guardrail?.fields).toEqual({
      limit_usd: 0,
    });
  });

  const bad: [string, string][] = [
    [
      'guardrail: { name: G }',
      '4:18: read-only key "name": the default guardrail\'s name is derived from its workspace',
    ],
    [
      'guardrail: { enforce_zdr: true }',
      '4:18: deprecated key "enforce_zdr": use enforce_zdr_openai',
    ],
    [
      'guardrail: { include_byok_in_budgets: true }',
      '4:18: "include_byok_in_budgets" is not set on the guardrail: set budgets.include_byok',
    ],
    [
      'guardrail: { limit_usd: null, reset_interval: weekly }',
      '4:51: reset_interval "weekly" resets the spending limit, but limit_usd is null',
    ],
    ['guardrail: { limit_usd: -1 }', '4:29: limit_usd must be at least 0 (got -1)'],
    [
      'guardrail: { reset_interval: yearly }',
      '4:34: reset_interval must be one of daily, weekly, monthly or null (got "yearly")',
    ],
    ['guardrail: { allowed_models: [] }', '4:34: allowed_models must hold at least 1 item'],
    [
      'guardrail: { allowed_providers: [a, b, a] }',
      '4:44: allowed_providers has "a" twice; list each value once',
    ],
    ['guardrail: { ignored_models: [1] }', '4:35: ignored_models must hold only strings (got 1)'],
    ['guardrail: { enforce_zdr_xai: on }', '4:35: enforce_zdr_xai: "on" is not a boolean'],
    [
      'guardrail: { alowed_models: [x] }',
      '4:18: unknown key "alowed_models" in guardrail (did you mean "allowed_models"?)',
    ],
    [
      `guardrail: { description: ${'x'.repeat(1001)} }`,
      '4:31: description must be at most 1000 characters (got 1001)',
    ],
    [
      'guardrail: null',
      '4:16: guardrail cannot be null: remove the key to leave the guardrail unmanaged',
    ],
    [
      'guardrail: { content_filter_builtins: [{ slug: email }] }',
      '4:44: each entry of content_filter_builtins needs "slug" and "action": missing "action"',
    ],
    [
      'guardrail: { content_filter_builtins: [{ slug: mail, action: block }] }',
      '4:52: slug must be one of email, phone',
    ],
    [
      'guardrail: { content_filter_builtins: [{ slug: email, action: redact, label: x }] }',
      '4:75: the label of a builtin content filter is assigned by the API and cannot be set',
    ],
    [
      'guardrail: { content_filter_builtins: [{ slug: ssn, action: block }, { slug: ssn, action: flag }] }',
      '4:82: builtin content filter "ssn" is listed twice',
    ],
    [
      'guardrail: { content_filters: [{ action: block }] }',
      '4:36: each entry of content_filters needs "pattern" and "action": missing "pattern"',
    ],
    [
      'guardrail: { content_filters: [{ pattern: "", action: block }] }',
      '4:47: pattern must be at least 1 characters (got 0)',
    ],
    [
      'guardrail: { content_filters: [{ pattern: x, action: delete }] }',
      '4:58: action must be one of block, redact or flag (got "delete")',
    ],
  ];
  it.each(bad)('%s → %s', (line, want) => {
    expect(messages(entryConfig(line)).join('\n')).toContain(`${FILE}:${want}`);
  });
});

describe('members', () => {
  it('is exactly the list given, emails and user ids as written; [] is no members', () => {
    expect(
      onlyWorkspace(entryConfig('members: [alice@example.com, user_2abcXYZ]')).members,
    ).toEqual({
      members: ['alice@example.com', 'user_2abcXYZ'],
      source: { file: FILE, line: 4, col: 5 },
    });
    expect(onlyWorkspace(entryConfig('members: []')).members?.members).toEqual([]);
    expect(onlyWorkspace(entryConfig()).members).toBeUndefined();
  });

  const bad: [string, string][] = [
    [
      'members: [bob]',
      '4:15: member "bob" is neither an email address (name@example.com) nor a user ID (user_…)',
    ],
    ['members: ["a@b"]', '4:15: member "a@b" is neither'],
    ['members: ["user_"]', '4:15: member "user_" is neither'],
    ['members: ["alice @example.com"]', '4:15: member "alice @example.com" is neither'],
    ['members: [a@b.co, c@d.co, a@b.co]', '4:31: members has "a@b.co" twice'],
    ['members: [1]', '4:15: members must hold only strings (got 1)'],
    [
      'members: null',
      '4:14: members cannot be null: remove the key to leave membership unmanaged; write []',
    ],
  ];
  it.each(bad)('%s → %s', (line, want) => {
    expect(messages(entryConfig(line)).join('\n')).toContain(`${FILE}:${want}`);
  });
});

describe('defaults hold budgets and guardrail, never members; an entry block wins whole', () => {
  const text = [
    'version: 1',
    'defaults:',
    '  budgets: { monthly: 100, include_byok: false }',
    '  guardrail: { limit_usd: 50, enforce_zdr_openai: true }',
    'workspaces:',
    '  - slug: a',
    '  - slug: b',
    '    budgets: { daily: 5 }',
    '    guardrail: { enforce_zdr_google: true }',
    '',
  ].join('\n');

  it('gives an entry without a block the default block, at the entry', () => {
    const [a] = workspacesOf(text);
    expect(a?.budgets).toEqual({
      limits: { monthly: 100 },
      include_byok: false,
      source: { file: FILE, line: 6, col: 5 },
    });
    expect(a?.guardrail?.fields).toEqual({ limit_usd: 50, enforce_zdr_openai: true });
  });

  it('does not merge an entry block with the default one', () => {
    const [, b] = workspacesOf(text);
    expect(b?.budgets).toEqual({ limits: { daily: 5 }, source: { file: FILE, line: 8, col: 5 } });
    expect(b?.guardrail?.fields).toEqual({ enforce_zdr_google: true });
  });

  it('gives every entry its own copy of a default list', () => {
    const [a, b] = workspacesOf(
      'version: 1\ndefaults:\n  guardrail: { allowed_models: [x] }\nworkspaces:\n  - slug: a\n  - slug: b\n',
    );
    a?.guardrail?.fields.allowed_models?.push('y');
    expect(b?.guardrail?.fields.allowed_models).toEqual(['x']);
  });

  it('checks the blocks of defaults where they are written', () => {
    expect(
      messages(
        'version: 1\ndefaults:\n  budgets: { daily: 9, weekly: 8 }\n  members: [a@b.co]\nworkspaces: []\n',
      ),
    ).toEqual([
      `${FILE}:3:21: the daily budget (9) must be less than the weekly budget (8): limits strictly decrease as the interval narrows (lifetime > monthly > weekly > daily)`,
      `${FILE}:4:3: "members" cannot be set in defaults; set it on each entry`,
    ]);
  });
});

describe('unmanaged', () => {
  it('is allow unless the file says forbid', () => {
    expect(parseConfigText('version: 1\nworkspaces: []\n', FILE).unmanaged).toBe('allow');
    expect(parseConfigText('version: 1\nunmanaged: forbid\nworkspaces: []\n', FILE).unmanaged).toBe(
      'forbid',
    );
    expect(messages('version: 1\nunmanaged: no\nworkspaces: []\n')).toEqual([
      `${FILE}:2:12: unmanaged must be one of allow or forbid (got "no")`,
    ]);
  });
});
