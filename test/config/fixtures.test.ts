/**
 * The corpus of bad configs: every `test/fixtures/config/bad-*.yaml` starts with one or more
 * `# expect: LINE:COL <part of the message>` lines, and loading it must report each of them
 * at exactly that place. Good fixtures must load without an issue.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/config/index.js';
import { ConfigError, formatIssue, type ConfigIssue } from '../../src/errors.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const EXPECT_LINE = /^# expect: (\d+):(\d+) (.+)$/;

interface Expectation {
  line: number;
  col: number;
  message: string;
}

function readExpectations(text: string): Expectation[] {
  const expectations: Expectation[] = [];
  for (const line of text.split('\n')) {
    const match = EXPECT_LINE.exec(line);
    if (!match) break;
    expectations.push({ line: Number(match[1]), col: Number(match[2]), message: match[3] ?? '' });
  }
  return expectations;
}

async function issuesOf(path: string): Promise<readonly ConfigIssue[]> {
  try {
    await loadConfig(path);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

const names = readdirSync(FIXTURES).sort();
const bad = names.filter((name) => name.startsWith('bad-') && name.endsWith('.yaml'));
const good = names.filter((name) => name.startsWith('good-') && name.endsWith('.yaml'));

describe('bad config fixtures', () => {
  it('has a corpus of at least 45 files, each with an expectation', () => {
    expect(bad.length).toBeGreaterThanOrEqual(45);
    for (const name of bad) {
      expect(readExpectations(readFileSync(join(FIXTURES, name), 'utf8')), name).not.toEqual([]);
    }
  });

  it.each(bad)('%s reports each expected issue at its position', async (name) => {
    const path = join(FIXTURES, name);
    const text = readFileSync(path, 'utf8');
    const issues = await issuesOf(path);
    const shown = issues.map(formatIssue).join('\n');
    expect(issues.length, `no issue for ${name}`).toBeGreaterThan(0);
    for (const wanted of readExpectations(text)) {
      const found = issues.some(
        (issue) =>
          issue.line === wanted.line &&
          issue.col === wanted.col &&
          issue.message.includes(wanted.message),
      );
      expect(
        found,
        `expected ${wanted.line}:${wanted.col} "${wanted.message}" among:\n${shown}`,
      ).toBe(true);
    }
    for (const issue of issues) {
      expect(issue.file).toBe(path);
      expect(issue.message).not.toMatch(/undefined|\[object /);
    }
    // The pure parser says exactly what the loader says about a single file.
    expect(parseConfigText(text, path).issues).toEqual(issues);
  });
});

describe('good config fixtures', () => {
  it('has a few', () => {
    expect(good.length).toBeGreaterThanOrEqual(3);
  });

  it.each(good)('%s loads without an issue', async (name) => {
    const state = await loadConfig(join(FIXTURES, name));
    expect(state.files).toEqual([join(FIXTURES, name)]);
    expect(state.workspaces.length).toBeGreaterThan(0);
  });
});
