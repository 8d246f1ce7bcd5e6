/** Pathological configs: each is refused (or read) exactly, without the work growing out of bounds. */
import { describe, expect, it } from 'vitest';
import { MAX_ALIAS_COUNT, MAX_EXPANDED_NODES, parseConfigText } from '../../src/config/index.js';
import { formatIssue, type ConfigIssue } from '../../src/errors.js';
import { MAX_UNKNOWN_KEYS_PER_MAPPING } from '../../src/schema/messages.js';

const FILE = 'workspaces.yaml';

/** The text at an issue's position, `length` characters long. */
function textAt(text: string, issue: ConfigIssue, length: number): string {
  const line = text.split('\n')[issue.line - 1] ?? '';
  return line.slice(issue.col - 1, issue.col - 1 + length);
}

describe('the work an anchor may cause is bounded, not only the alias count', () => {
  /** One anchored list of `size` key ids, used by `uses` entries. */
  function anchoredIds(size: number, uses: number): string {
    const ids = Array.from({ length: size }, (_, i) => i).join(', ');
    const entries = Array.from(
      { length: uses },
      (_, i) => `  - slug: w${i}\n    io_logging_api_key_ids: *ids`,
    );
    return `version: 1\ndefaults:\n  io_logging_api_key_ids: &ids [${ids}]\nworkspaces:\n${entries.join('\n')}\n`;
  }

  it('refuses a big anchored list used by fewer aliases than the alias limit, at the first alias past the budget', () => {
    const uses = 600; // 600 × 2,001 values is past 1,000,000, with 600 aliases < 1,000
    expect(uses).toBeLessThan(MAX_ALIAS_COUNT);
    const text = anchoredIds(2000, uses);
    const { issues, workspaces } = parseConfigText(text, FILE);
    expect(workspaces).toEqual([]);
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    if (!issue) throw new Error('no issue');
    expect(issue.message).toBe(
      `alias *ids expands the document past ${MAX_EXPANDED_NODES} values: this looks like an alias bomb; write the values out or use defaults`,
    );
    expect(textAt(text, issue, 4)).toBe('*ids');
    // The alias that crosses: each use adds 2,001 values and each entry 4 more of its own.
    const entryIndex = Math.floor((issue.line - 6) / 2);
    expect(entryIndex).toBeGreaterThan(490);
    expect(entryIndex).toBeLessThan(500);
  });

  it('reads the same list used by as many aliases as stay under the budget', () => {
    const { issues, workspaces } = parseConfigText(anchoredIds(2000, 400), FILE);
    expect(issues).toEqual([]);
    expect(workspaces).toHaveLength(400);
    expect(workspaces[399]?.fields.io_logging_api_key_ids).toHaveLength(2000);
  });
});

describe('key ids are safe integers', () => {
  const cases: [string, string][] = [
    ['9007199254740993', 'it would be read as 9007199254740992'],
    ['9007199254740992', 'it would be read as 9007199254740992'],
    ['-9007199254740993', 'it would be read as -9007199254740992'],
    ['1e20', 'it would be read as 100000000000000000000'],
    ['0x20000000000001', 'it would be read as 9007199254740992'],
  ];
  it.each(cases)('refuses %s at the value', (written, readAs) => {
    const text = `version: 1\nworkspaces:\n  - slug: a\n    io_logging_api_key_ids: [101, ${written}]\n`;
    expect(parseConfigText(text, FILE).issues.map(formatIssue)).toEqual([
      `${FILE}:4:35: ${written} is beyond the integers orws reads exactly (at most 9007199254740991): ${readAs}`,
    ]);
  });

  it('reads the largest safe integer as written', () => {
    const text = `version: 1\nworkspaces:\n  - slug: a\n    io_logging_api_key_ids: [9007199254740991]\n`;
    const { issues, workspaces } = parseConfigText(text, FILE);
    expect(issues).toEqual([]);
    expect(workspaces[0]?.fields.io_logging_api_key_ids).toEqual([9007199254740991]);
  });
});

describe('a mapping of many unknown keys', () => {
  const count = 20_000;
  const keys = Array.from({ length: count }, (_, i) => `    k${i}: 1`).join('\n');
  const text = `version: 1\nworkspaces:\n  - slug: a\n${keys}\n`;

  it(`lists the first ${MAX_UNKNOWN_KEYS_PER_MAPPING} unknown keys and counts the rest in one issue`, () => {
    const issues = parseConfigText(text, FILE).issues.map(formatIssue);
    expect(issues).toHaveLength(MAX_UNKNOWN_KEYS_PER_MAPPING + 1);
    // The count is placed at the mapping, so it sorts first.
    expect(issues[0]).toBe(
      `${FILE}:3:5: and ${count - MAX_UNKNOWN_KEYS_PER_MAPPING} more unknown keys in this mapping (only the first ${MAX_UNKNOWN_KEYS_PER_MAPPING} are listed)`,
    );
    expect(issues[1]).toBe(`${FILE}:4:5: unknown key "k0"`);
    expect(issues[MAX_UNKNOWN_KEYS_PER_MAPPING]).toBe(
      `${FILE}:${3 + MAX_UNKNOWN_KEYS_PER_MAPPING}:5: unknown key "k${MAX_UNKNOWN_KEYS_PER_MAPPING - 1}"`,
    );
  });

  it('still finds a duplicate key among them, at the repeat, naming the first', () => {
    const issues = parseConfigText(`${text}    k7: 2\n`, FILE).issues.map(formatIssue);
    expect(issues).toEqual([
      `${FILE}:${4 + count}:5: duplicate key "k7": also at ${FILE}:11:5; a key may appear once in a mapping`,
    ]);
  });
});

describe('a complex mapping key', () => {
  it('is reported at its own line and column, not at the top of the file', () => {
    const text = 'version: 1\nworkspaces:\n  - slug: a\n    ? [name, description]\n    : x\n';
    expect(parseConfigText(text, FILE).issues.map(formatIssue)).toEqual([
      `${FILE}:4:7: unknown key "[ name, description ]"`,
    ]);
  });

  it('in block form too', () => {
    const text = 'version: 1\nworkspaces:\n  - slug: a\n    ? - name\n      - slug\n    : x\n';
    expect(parseConfigText(text, FILE).issues.map(formatIssue)).toEqual([
      `${FILE}:4:7: unknown key "[ name, slug ]"`,
    ]);
  });
});
