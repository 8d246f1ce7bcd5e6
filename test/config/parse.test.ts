import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import type { DesiredWorkspace } from '../../src/config/index.js';
import { formatIssue, type ConfigIssue } from '../../src/errors.js';
import { WRITABLE_FIELDS, type WritableField } from '../../src/schema/fields.js';

const FILE = 'workspaces.yaml';

/** A config of one entry `slug: a` followed by `lines` (each indented as a field of it). */
function entryConfig(...lines: string[]): string {
  return [
    'version: 1',
    'workspaces:',
    '  - slug: a',
    ...lines.map((line) => `    ${line}`),
    '',
  ].join('\n');
}

function parse(text: string): { workspaces: DesiredWorkspace[]; issues: ConfigIssue[] } {
  return parseConfigText(text, FILE);
}

/** The one workspace of a valid config; fails the test with every issue otherwise. */
function onlyWorkspace(text: string): DesiredWorkspace {
  const { workspaces, issues } = parse(text);
  expect(issues.map(formatIssue)).toEqual([]);
  expect(workspaces).toHaveLength(1);
  const [workspace] = workspaces;
  if (!workspace) throw new Error('no workspace');
  return workspace;
}

function messages(text: string): string[] {
  return parse(text).issues.map(formatIssue);
}

describe('parseConfigText: the three states of a field', () => {
  it('leaves a field out of `fields` when the entry does not set it (unmanaged)', () => {
    const workspace = onlyWorkspace(entryConfig());
    expect(workspace.fields).toStrictEqual({ slug: 'a' });
    for (const field of WRITABLE_FIELDS.filter((f) => f !== 'slug'))
      expect(field in workspace.fields).toBe(false);
  });

  const cases: [WritableField, string, unknown][] = [
    ['name', 'Production', 'Production'],
    ['name', '"123"', '123'],
    ['description', 'Production environment', 'Production environment'],
    ['description', '""', ''],
    ['description', 'null', null],
    ['description', '~', null],
    ['default_text_model', 'openai/gpt-4o', 'openai/gpt-4o'],
    ['default_text_model', 'null', null],
    ['default_image_model', 'openai/dall-e-3', 'openai/dall-e-3'],
    ['default_image_model', 'null', null],
    ['default_provider_sort', 'price', 'price'],
    ['default_provider_sort', 'throughput', 'throughput'],
    ['default_provider_sort', 'latency', 'latency'],
    ['default_provider_sort', 'exacto', 'exacto'],
    ['default_provider_sort', 'null', null],
    ['is_observability_io_logging_enabled', 'true', true],
    ['is_observability_io_logging_enabled', 'false', false],
    ['is_observability_broadcast_enabled', 'false', false],
    ['is_data_discount_logging_enabled', 'true', true],
    ['io_logging_sampling_rate', '0.25', 0.25],
    ['io_logging_sampling_rate', '1', 1],
    ['io_logging_sampling_rate', '0.0001', 0.0001],
    ['io_logging_api_key_ids', '[101, 102]', [101, 102]],
    ['io_logging_api_key_ids', '[]', []],
    ['io_logging_api_key_ids', 'null', null],
  ];
  it.each(cases)('%s: %s is managed as %j', (field, yaml, expected) => {
    const workspace = onlyWorkspace(entryConfig(`${field}: ${yaml}`));
    expect(workspace.fields).toStrictEqual({ slug: 'a', [field]: expected });
  });

  it('keeps `[]` and `null` key-id lists apart', () => {
    const empty = onlyWorkspace(entryConfig('io_logging_api_key_ids: []'));
    const all = onlyWorkspace(entryConfig('io_logging_api_key_ids: null'));
    expect(empty.fields.io_logging_api_key_ids).toStrictEqual([]);
    expect(all.fields.io_logging_api_key_ids).toBeNull();
  });

  it('sets every writable field of a full entry and nothing else', () => {
    const workspace = onlyWorkspace(
      entryConfig(
        'name: A',
        'description: d',
        'default_text_model: t',
        'default_image_model: i',
        'default_provider_sort: price',
        'is_observability_io_logging_enabled: true',
        'is_observability_broadcast_enabled: false',
        'is_data_discount_logging_enabled: true',
        'io_logging_sampling_rate: 0.5',
        'io_logging_api_key_ids: [3, 1, 2]',
      ),
    );
    expect(Object.keys(workspace.fields).sort()).toEqual([...WRITABLE_FIELDS].sort());
    expect(workspace.fields.io_logging_api_key_ids).toEqual([3, 1, 2]);
  });

  const notNullable: WritableField[] = [
    'name',
    'slug',
    'is_observability_io_logging_enabled',
    'is_observability_broadcast_enabled',
    'is_data_discount_logging_enabled',
    'io_logging_sampling_rate',
  ];
  it.each(notNullable)('refuses null for %s, at the value', (field) => {
    const text = ['version: 1', 'workspaces:', '  - slug: a', `    ${field}: null`, ''].join('\n');
    const col = 5 + field.length + 2;
    const line = field === 'slug' ? 3 : 4;
    const expectedCol = field === 'slug' ? 11 : col;
    const source = field === 'slug' ? text.replace('slug: a\n    slug: null', 'slug: null') : text;
    expect(messages(source)).toContain(
      `${FILE}:${line}:${expectedCol}: ${field} cannot be null (remove the key to leave it unmanaged)`,
    );
  });
});

describe('parseConfigText: checks, at the value', () => {
  const cases: [string, string][] = [
    ['name: ""', 'name must be 1 to 100 characters (got 0)'],
    [`name: ${'x'.repeat(101)}`, 'name must be 1 to 100 characters (got 101)'],
    ['name: 42', 'name must be a string (got 42); put it in quotes to make it a string'],
    ['name: 1e3', 'name must be a string (got 1e3); put it in quotes to make it a string'],
    [
      'io_logging_sampling_rate: 1.50',
      'io_logging_sampling_rate must be between 0.0001 and 1 (got 1.50)',
    ],
    ['io_logging_sampling_rate: true', 'io_logging_sampling_rate must be a number (got true)'],
    [`description: ${'x'.repeat(501)}`, 'description must be at most 500 characters (got 501)'],
    ['description: [a]', 'description must be a string or null (got a list)'],
    ['default_image_model: {a: 1}', 'default_image_model must be a string or null (got a mapping)'],
    [
      'default_provider_sort: fastest',
      'default_provider_sort must be one of price, throughput, latency, exacto or null (got "fastest")',
    ],
    [
      'default_provider_sort: Price',
      'default_provider_sort must be one of price, throughput, latency, exacto or null (got "Price")',
    ],
    [
      'is_observability_io_logging_enabled: yes',
      'is_observability_io_logging_enabled: "yes" is not a boolean; write true or false',
    ],
    [
      'is_observability_io_logging_enabled: no',
      'is_observability_io_logging_enabled: "no" is not a boolean; write true or false',
    ],
    [
      'is_observability_broadcast_enabled: on',
      'is_observability_broadcast_enabled: "on" is not a boolean; write true or false',
    ],
    [
      'is_data_discount_logging_enabled: off',
      'is_data_discount_logging_enabled: "off" is not a boolean; write true or false',
    ],
    [
      'is_data_discount_logging_enabled: Yes',
      'is_data_discount_logging_enabled: "Yes" is not a boolean; write true or false',
    ],
    [
      'is_data_discount_logging_enabled: 0',
      'is_data_discount_logging_enabled must be true or false (got 0)',
    ],
    [
      'io_logging_sampling_rate: 1.5',
      'io_logging_sampling_rate must be between 0.0001 and 1 (got 1.5)',
    ],
    [
      'io_logging_sampling_rate: 0.00001',
      'io_logging_sampling_rate must be between 0.0001 and 1 (got 0.00001)',
    ],
    [
      'io_logging_sampling_rate: -0.5',
      'io_logging_sampling_rate must be between 0.0001 and 1 (got -0.5)',
    ],
    ['io_logging_sampling_rate: .inf', 'io_logging_sampling_rate must be a number (got .inf)'],
    [
      'io_logging_sampling_rate: "1"',
      'io_logging_sampling_rate must be a number (got "1"); remove the quotes',
    ],
    [
      'io_logging_api_key_ids: [101, 101]',
      'io_logging_api_key_ids has 101 twice; list each value once',
    ],
    [
      'io_logging_api_key_ids: [1, 1, 1]',
      'io_logging_api_key_ids has 1 3 times; list each value once',
    ],
    ['io_logging_api_key_ids: "101"', 'io_logging_api_key_ids must be a list or null (got "101")'],
  ];
  it.each(cases)('%s → %s', (line, message) => {
    const found = parse(entryConfig(line)).issues;
    expect(found.map((issue) => issue.message)).toEqual([message]);
    expect(found[0]?.line).toBe(4);
  });

  it('reports each repeated key id once, at its second occurrence', () => {
    const found = parse(entryConfig('io_logging_api_key_ids: [1, 2, 1, 3, 2, 1]')).issues;
    expect(found.map((issue) => `${issue.col} ${issue.message}`)).toEqual([
      '36 io_logging_api_key_ids has 1 3 times; list each value once',
      '42 io_logging_api_key_ids has 2 twice; list each value once',
    ]);
  });

  it('accepts values at the edge of each range', () => {
    const workspace = onlyWorkspace(
      [
        'version: 1',
        'workspaces:',
        `  - slug: ${'a'.repeat(50)}`,
        `    name: ${'n'.repeat(100)}`,
        `    description: ${'d'.repeat(500)}`,
        '    io_logging_sampling_rate: 0.0001',
        '',
      ].join('\n'),
    );
    expect(workspace.fields.io_logging_sampling_rate).toBe(0.0001);
  });

  it('counts lengths in UTF-16 code units, the stricter reading: 60 emoji are 120 units', () => {
    const workspace = onlyWorkspace(entryConfig(`name: ${'😀'.repeat(50)}`));
    expect(workspace.fields.name).toBe('😀'.repeat(50));
    expect(messages(entryConfig(`name: ${'😀'.repeat(60)}`))).toEqual([
      `${FILE}:4:11: name must be 1 to 100 characters (got 120), counted in UTF-16 code units: an emoji counts 2`,
    ]);
    expect(messages(entryConfig(`description: ${'é'.repeat(499)}😀`))).toEqual([
      `${FILE}:4:18: description must be at most 500 characters (got 501), counted in UTF-16 code units: an emoji counts 2`,
    ]);
  });

  const slugs: [string, boolean][] = [
    ['production', true],
    ['prod-1', true],
    ['a-b-c', true],
    ['0', true],
    ['Prod', false],
    ['prod_1', false],
    ['-prod', false],
    ['prod-', false],
    ['prod--1', false],
    ['prod 1', false],
  ];
  it.each(slugs)('slug %j is valid: %s', (slug, valid) => {
    const text = `version: 1\nworkspaces:\n  - slug: "${slug}"\n`;
    const found = parse(text).issues;
    if (valid) expect(found).toEqual([]);
    else
      expect(found.map((i) => i.message)).toEqual([
        expect.stringContaining(
          `slug ${JSON.stringify(slug)} must be lowercase letters and digits in hyphen-separated segments`,
        ),
      ]);
  });

  it('refuses yes/on as booleans even under a %YAML 1.1 directive', () => {
    const text = `%YAML 1.1\n---\n${entryConfig('is_data_discount_logging_enabled: yes')}`;
    expect(messages(text)).toEqual([
      `${FILE}:6:39: is_data_discount_logging_enabled: "yes" is not a boolean; write true or false`,
    ]);
  });

  it('refuses an id that is not a UUID, and any id that is not a string', () => {
    expect(messages('version: 1\nworkspaces:\n  - id: prod-1\n    slug: a\n')).toEqual([
      `${FILE}:3:9: id "prod-1" must be a workspace UUID such as 550e8400-e29b-41d4-a716-446655440000`,
    ]);
    // YAML reads 550e8400 as a (huge) number: the message shows it as written.
    expect(messages('version: 1\nworkspaces:\n  - id: 550e8400\n    slug: a\n')).toEqual([
      `${FILE}:3:9: id must be a string (got 550e8400); put it in quotes to make it a string`,
    ]);
  });
});

describe('parseConfigText: keys', () => {
  const unknown: [string, string][] = [
    ['descripton: x', 'unknown key "descripton" (did you mean "description"?)'],
    ['nmae: x', 'unknown key "nmae" (did you mean "name"?)'],
    ['Slug: x', 'unknown key "Slug" (did you mean "slug"?)'],
    ['DESCRIPTION: x', 'unknown key "DESCRIPTION" (did you mean "description"?)'],
    [
      'io_logging_sampling: 1',
      'unknown key "io_logging_sampling" (did you mean "io_logging_sampling_rate"?)',
    ],
    [
      'io-logging-api-key-ids: []',
      'unknown key "io-logging-api-key-ids" (did you mean "io_logging_api_key_ids"?)',
    ],
    ['colour: red', 'unknown key "colour"'],
    ['x: 1', 'unknown key "x"'],
    ['ix: 1', 'unknown key "ix" (did you mean "id"?)'],
    ['__proto__: {polluted: true}', 'unknown key "__proto__"'],
    ['created_at: now', 'read-only key "created_at": the API sets it; remove it'],
    ['updated_at: now', 'read-only key "updated_at": the API sets it; remove it'],
    ['created_by: me', 'read-only key "created_by": the API sets it; remove it'],
    ['default_guardrail_id: g', 'read-only key "default_guardrail_id": the API sets it; remove it'],
    [
      'include_byok_in_budgets: true',
      'read-only key "include_byok_in_budgets" on the workspace: set budgets.include_byok instead',
    ],
  ];
  it.each(unknown)('%s → %s, at the key', (line, message) => {
    expect(messages(entryConfig(line))).toEqual([`${FILE}:4:5: ${message}`]);
  });

  it('does not pollute Object.prototype through a __proto__ key', () => {
    parse(entryConfig('__proto__: {polluted: true}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports unknown top-level keys, and non-string keys by their text', () => {
    expect(messages('version: 1\nworkspaces: []\nworkspace: []\n1: x\n')).toEqual([
      `${FILE}:3:1: unknown top-level key "workspace" (did you mean "workspaces"?)`,
      `${FILE}:4:1: unknown top-level key "1"; the top level holds only version, unmanaged, defaults and workspaces`,
    ]);
  });

  it('reports a duplicate key at the second one, naming the first', () => {
    expect(messages(entryConfig('name: A', 'name: B'))).toEqual([
      `${FILE}:5:5: duplicate key "name": also at ${FILE}:4:5; a key may appear once in a mapping`,
    ]);
  });
});

describe('parseConfigText: the document', () => {
  const cases: [string, string, string][] = [
    ['an empty file', '', `${FILE}:1:1: the file is empty`],
    ['comments only', '# nothing\n\n# here\n', `${FILE}:1:1: the file is empty`],
    ['a lone ---', '---\n', `${FILE}:1:1: the file is empty`],
    [
      'a list',
      '- slug: a\n',
      `${FILE}:1:1: the file must be a mapping with "version" and "workspaces" keys (got a list)`,
    ],
    [
      'a string',
      'hello\n',
      `${FILE}:1:1: the file must be a mapping with "version" and "workspaces" keys (got "hello")`,
    ],
    [
      'null',
      '~\n',
      `${FILE}:1:1: the file must be a mapping with "version" and "workspaces" keys (got null)`,
    ],
    ['no version', 'workspaces: []\n', `${FILE}:1:1: missing "version"`],
    ['version 2', 'version: 2\nworkspaces: []\n', `${FILE}:1:10: version must be 1 (got 2)`],
    [
      'version 1.0 written as a string',
      'version: "1.0"\nworkspaces: []\n',
      `${FILE}:1:10: version must be 1 (got "1.0")`,
    ],
    ['no workspaces', 'version: 1\n', `${FILE}:1:1: missing "workspaces"`],
    [
      'workspaces a string',
      'version: 1\nworkspaces: all\n',
      `${FILE}:2:13: workspaces must be a list (got "all")`,
    ],
    [
      'an entry that is a list',
      'version: 1\nworkspaces:\n  - [a]\n',
      `${FILE}:3:5: each entry of workspaces must be a mapping with at least slug (got a list)`,
    ],
    [
      'an entry without slug',
      'version: 1\nworkspaces:\n  - {}\n',
      `${FILE}:3:5: entry is missing "slug": every workspace needs one`,
    ],
    [
      'a second document',
      'version: 1\nworkspaces: []\n---\n{}\n',
      `${FILE}:3:1: multiple YAML documents in one file`,
    ],
    [
      'an unknown tag',
      entryConfig('name: !vault x'),
      `${FILE}:4:11: invalid YAML: unresolved tag: !vault`,
    ],
    [
      'an undefined alias',
      entryConfig('name: *n'),
      `${FILE}:4:11: alias *n has no anchor &n before it`,
    ],
    [
      'an alias used before its anchor',
      entryConfig('name: *n', 'description: &n d'),
      `${FILE}:4:11: alias *n has no anchor &n before it`,
    ],
    ['a merge key', entryConfig('<<: {name: A}'), `${FILE}:4:5: merge keys (<<) are not supported`],
    [
      'a tab',
      'version: 1\nworkspaces:\n\t- slug: a\n',
      `${FILE}:3:1: invalid YAML: tabs are not allowed as indentation`,
    ],
    [
      'an unclosed flow mapping',
      'version: 1\nworkspaces: [{slug: a\n',
      `${FILE}:3:1: invalid YAML:`,
    ],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    const found = messages(text);
    expect(
      found.some((message) => message.startsWith(expected)),
      found.join('\n'),
    ).toBe(true);
  });

  it('accepts an empty list of workspaces, and a leading --- or ... end marker', () => {
    const empty = { workspaces: [], issues: [], unmanaged: 'allow' };
    expect(parse('version: 1\nworkspaces: []\n')).toEqual(empty);
    expect(parse('---\nversion: 1\nworkspaces: []\n...\n')).toEqual(empty);
  });

  it('refuses an alias bomb at the start of the document, without expanding it', () => {
    const levels = ['version: 1', 'workspaces: []', 'l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const text = `# header\n${levels.join('\n')}\n`;
    const found = parse(text).issues;
    // Each *l4 adds 111,111 values: the document passes 10^6 at the ninth of them, in l5.
    expect(found.map(formatIssue)).toEqual([
      `${FILE}:9:45: alias *l4 expands the document past 1000000 values: this looks like an alias bomb; write the values out or use defaults`,
    ]);
  });

  it('allows an anchor to be reused by many entries', () => {
    const entries = Array.from(
      { length: 200 },
      (_, i) => `  - slug: w${i}\n    io_logging_api_key_ids: *keys`,
    );
    const text = `version: 1\ndefaults:\n  io_logging_api_key_ids: &keys [1, 2]\nworkspaces:\n${entries.join('\n')}\n`;
    const { workspaces, issues } = parse(text);
    expect(issues).toEqual([]);
    expect(workspaces).toHaveLength(200);
  });

  it('reports a document nested too deeply to read, without throwing', () => {
    const text = entryConfig(`description: ${'['.repeat(20000)}${']'.repeat(20000)}`);
    const found = parse(text).issues;
    expect(found[0]?.message).toMatch(/^invalid YAML: /);
  });

  it('does not validate a file with a syntax error: its content is a guess', () => {
    const text = 'version: 1\nworkspaces:\n  - slug: a\n    colour: red\n\tname: A\n';
    const found = messages(text);
    expect(found.some((message) => message.includes('colour'))).toBe(false);
    expect(found[0]).toBe(
      `${FILE}:5:1: invalid YAML: tabs are not allowed as indentation; indent with spaces`,
    );
  });

  it('reports every syntax error of a file, not only the first', () => {
    const text = 'version: 1\nworkspaces:\n  - slug: a\n\tname: A\n  - slug: b\n\tname: B\n';
    const tabs = messages(text).filter((message) => message.includes('tabs are not allowed'));
    expect(tabs).toEqual([
      `${FILE}:4:1: invalid YAML: tabs are not allowed as indentation; indent with spaces`,
      `${FILE}:6:1: invalid YAML: tabs are not allowed as indentation; indent with spaces`,
    ]);
  });

  it('reports every schema error of a file in one run, sorted by line and column', () => {
    const text = [
      'version: 3',
      'extra: 1',
      'defaults:',
      '  created_at: x',
      'workspaces:',
      '  - slug: A',
      '    name: ""',
      '    descripton: x',
      '  - slug: b',
      '    io_logging_sampling_rate: 9',
      '    is_data_discount_logging_enabled: yes',
      '  - name: no slug',
      '',
    ].join('\n');
    const found = parse(text).issues;
    expect(found.map((issue) => `${issue.line}:${issue.col}`)).toEqual([
      '1:10',
      '2:1',
      '4:3',
      '6:11',
      '7:11',
      '8:5',
      '10:31',
      '11:39',
      '12:5',
    ]);
  });

  it('never says "undefined"', () => {
    const texts = [
      '',
      'version: 1\nworkspaces: [~, 1, "", [], {}]\n',
      entryConfig('io_logging_api_key_ids: [~, {}, [], .nan]'),
    ];
    for (const text of texts) {
      for (const message of messages(text)) expect(message).not.toContain('undefined');
    }
  });
});

describe('parseConfigText: defaults', () => {
  function withDefaults(defaults: string[], entry: string[]): DesiredWorkspace {
    const text = [
      'version: 1',
      'defaults:',
      ...defaults.map((l) => `  ${l}`),
      'workspaces:',
      '  - slug: a',
      ...entry.map((l) => `    ${l}`),
      '',
    ];
    return onlyWorkspace(text.join('\n'));
  }

  const cases: [string, string[], string[], Record<string, unknown>][] = [
    ['fill an unset field', ['description: shared'], [], { description: 'shared' }],
    [
      'lose to the entry value',
      ['description: shared'],
      ['description: own'],
      { description: 'own' },
    ],
    [
      'lose to an explicit null',
      ['description: shared'],
      ['description: null'],
      { description: null },
    ],
    ['fill a null', ['description: null'], [], { description: null }],
    [
      'lose to a value over a null',
      ['default_provider_sort: null'],
      ['default_provider_sort: price'],
      { default_provider_sort: 'price' },
    ],
    [
      'fill false',
      ['is_data_discount_logging_enabled: false'],
      [],
      { is_data_discount_logging_enabled: false },
    ],
    [
      'lose to false',
      ['is_data_discount_logging_enabled: true'],
      ['is_data_discount_logging_enabled: false'],
      { is_data_discount_logging_enabled: false },
    ],
    ['fill []', ['io_logging_api_key_ids: []'], [], { io_logging_api_key_ids: [] }],
    [
      'lose to [] over a list',
      ['io_logging_api_key_ids: [1]'],
      ['io_logging_api_key_ids: []'],
      { io_logging_api_key_ids: [] },
    ],
    [
      'lose to null over []',
      ['io_logging_api_key_ids: []'],
      ['io_logging_api_key_ids: null'],
      { io_logging_api_key_ids: null },
    ],
    [
      'leave other fields unmanaged',
      ['io_logging_sampling_rate: 0.5'],
      ['name: A'],
      { name: 'A', io_logging_sampling_rate: 0.5 },
    ],
  ];
  it.each(cases)('defaults %s', (_name, defaults, entry, expected) => {
    expect(withDefaults(defaults, entry).fields).toStrictEqual({ slug: 'a', ...expected });
  });

  it('gives each workspace its own copy of a default list', () => {
    const text =
      'version: 1\ndefaults:\n  io_logging_api_key_ids: [1]\nworkspaces:\n  - slug: a\n  - slug: b\n';
    const [a, b] = parse(text).workspaces;
    a?.fields.io_logging_api_key_ids?.push(2);
    expect(b?.fields.io_logging_api_key_ids).toEqual([1]);
  });

  it('accepts an empty defaults mapping', () => {
    expect(
      onlyWorkspace('version: 1\ndefaults: {}\nworkspaces:\n  - slug: a\n').fields,
    ).toStrictEqual({ slug: 'a' });
  });

  it('refuses identity keys in defaults', () => {
    expect(
      messages(
        'version: 1\ndefaults:\n  id: 550e8400-e29b-41d4-a716-446655440000\nworkspaces: []\n',
      ),
    ).toEqual([`${FILE}:3:3: "id" cannot be set in defaults; set it on each entry`]);
  });
});

describe('parseConfigText: identity and source', () => {
  it('pins identity with id (lower-cased), never as a field', () => {
    const workspace = onlyWorkspace(
      'version: 1\nworkspaces:\n  - id: 550E8400-E29B-41D4-A716-446655440000\n    slug: renamed\n',
    );
    expect(workspace.id).toBe('550e8400-e29b-41d4-a716-446655440000');
    expect(workspace.slug).toBe('renamed');
    expect(workspace.fields).toStrictEqual({ slug: 'renamed' });
  });

  it('has no id at all when the entry gives none', () => {
    expect('id' in onlyWorkspace(entryConfig())).toBe(false);
  });

  it('places each entry at its first key, in block or flow style', () => {
    const text =
      'version: 1\nworkspaces:\n  - name: A\n    slug: a\n  -   slug: b\n  - {slug: c}\n';
    const { workspaces, issues } = parse(text);
    expect(issues).toEqual([]);
    expect(workspaces.map((w) => [w.slug, w.source])).toEqual([
      ['a', { file: FILE, line: 3, col: 5 }],
      ['b', { file: FILE, line: 5, col: 7 }],
      ['c', { file: FILE, line: 6, col: 5 }],
    ]);
  });

  it('keeps the entries in file order', () => {
    const text = `version: 1\nworkspaces:\n${['zeta', 'alpha', 'mid'].map((s) => `  - slug: ${s}`).join('\n')}\n`;
    expect(parse(text).workspaces.map((w) => w.slug)).toEqual(['zeta', 'alpha', 'mid']);
  });

  const duplicates: [string, string, string[]][] = [
    [
      'the same slug',
      '  - slug: a\n  - slug: b\n  - slug: a\n',
      [`${FILE}:5:5: duplicate slug "a": also at ${FILE}:3:5`],
    ],
    [
      'the same slug three times',
      '  - slug: a\n  - slug: a\n  - slug: a\n',
      [
        `${FILE}:4:5: duplicate slug "a": also at ${FILE}:3:5`,
        `${FILE}:5:5: duplicate slug "a": also at ${FILE}:3:5`,
      ],
    ],
    [
      'the same id, whatever its case',
      '  - id: 550e8400-e29b-41d4-a716-446655440000\n    slug: a\n  - id: 550E8400-E29B-41D4-A716-446655440000\n    slug: b\n',
      [`${FILE}:5:5: duplicate id "550e8400-e29b-41d4-a716-446655440000": also at ${FILE}:3:5`],
    ],
    [
      'one entry twice through an alias',
      '  - &e\n    slug: a\n  - *e\n',
      [`${FILE}:5:5: duplicate slug "a": also at ${FILE}:4:5`],
    ],
    [
      'a duplicate among otherwise invalid entries',
      '  - slug: a\n    name: ""\n  - slug: a\n',
      [
        `${FILE}:4:11: name must be 1 to 100 characters (got 0)`,
        `${FILE}:5:5: duplicate slug "a": also at ${FILE}:3:5`,
      ],
    ],
  ];
  it.each(duplicates)('reports %s, naming both places', (_name, entries, expected) => {
    expect(messages(`version: 1\nworkspaces:\n${entries}`)).toEqual(expected);
  });

  it('reports nothing for different slugs and ids', () => {
    const text =
      'version: 1\nworkspaces:\n  - id: 550e8400-e29b-41d4-a716-446655440000\n    slug: a\n  - slug: b\n';
    expect(parse(text).issues).toEqual([]);
  });
});

describe('parseConfigText: many entries', () => {
  function manyEntries(count: number, edit?: (i: number) => string | undefined): string {
    const lines = ['version: 1', 'workspaces:'];
    for (let i = 0; i < count; i++) lines.push(edit?.(i) ?? `  - slug: w${i}\n    name: W ${i}`);
    return `${lines.join('\n')}\n`;
  }

  it('reads a thousand entries in order', () => {
    const { workspaces, issues } = parse(manyEntries(1000));
    expect(issues).toEqual([]);
    expect(workspaces).toHaveLength(1000);
    expect(workspaces[999]?.fields).toStrictEqual({ slug: 'w999', name: 'W 999' });
    expect(workspaces[999]?.source.line).toBe(3 + 999 * 2);
  });

  it('places errors of entries far into a long list exactly', () => {
    const bad = new Set([0, 255, 256, 700, 999]);
    const text = manyEntries(1000, (i) =>
      bad.has(i) ? `  - slug: w${i}\n    name: ""` : undefined,
    );
    const found = parse(text).issues;
    expect(found.map((issue) => `${issue.line}:${issue.col}`)).toEqual(
      [...bad].map((i) => `${4 + i * 2}:11`),
    );
  });

  it('reports a thousand errors, one per entry', () => {
    const text = manyEntries(1000, (i) => `  - slug: w${i}\n    nmae: x`);
    const found = parse(text).issues;
    expect(found).toHaveLength(1000);
    expect(new Set(found.map((issue) => issue.line)).size).toBe(1000);
  });
});
