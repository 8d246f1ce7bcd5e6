import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, MAX_CONFIG_BYTES, type DesiredState } from '../../src/config/index.js';
import { ConfigError, formatIssue, type ConfigIssue } from '../../src/errors.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orws-config-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes files (name → text) into the temp dir; returns their paths. */
async function writeFiles(files: Record<string, string>): Promise<string[]> {
  const paths: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    await writeFile(path, text);
    paths.push(path);
  }
  return paths;
}

async function issuesOf(
  path: string,
  options?: { isDefault?: boolean },
): Promise<readonly ConfigIssue[]> {
  const error: unknown = await loadConfig(path, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).issues;
}

function entries(...slugs: string[]): string {
  return `version: 1\nworkspaces:\n${slugs.map((slug) => `  - slug: ${slug}\n`).join('')}`;
}

describe('loadConfig: one file', () => {
  it('reads a file into the desired state', async () => {
    const [path = ''] = await writeFiles({ 'workspaces.yaml': entries('a', 'b') });
    const state: DesiredState = await loadConfig(path);
    expect(state.files).toEqual([path]);
    expect(state.workspaces.map((w) => [w.slug, w.source])).toEqual([
      ['a', { file: path, line: 3, col: 5 }],
      ['b', { file: path, line: 4, col: 5 }],
    ]);
  });

  it('reads a file named explicitly whatever its extension', async () => {
    const [path = ''] = await writeFiles({ 'config.txt': entries('a') });
    expect((await loadConfig(path)).workspaces).toHaveLength(1);
  });

  it('reports a missing file at 1:1', async () => {
    const path = join(dir, 'nope.yaml');
    expect((await issuesOf(path)).map(formatIssue)).toEqual([
      `${path}:1:1: the file does not exist`,
    ]);
  });

  it('says how to name another file when the default one is missing', async () => {
    const path = join(dir, 'workspaces.yaml');
    const [issue] = await issuesOf(path, { isDefault: true });
    expect(issue?.message).toMatch(
      /^the file does not exist: .*use -f PATH to name another file or a directory$/,
    );
  });

  it('throws a ConfigError whose message lists every issue as FILE:LINE:COL', async () => {
    const [path = ''] = await writeFiles({
      'a.yaml': `${entries('a')}    nmae: A\n    created_at: x\n`,
    });
    const error = await loadConfig(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      [
        'invalid config (2 errors):',
        `  ${path}:4:5: unknown key "nmae" (did you mean "name"?)`,
        `  ${path}:5:5: read-only key "created_at": the API sets it; remove it`,
      ].join('\n'),
    );
  });
});

describe('loadConfig: size limit', () => {
  /** A file of `size` bytes, without writing them (sparse): it must never be read. */
  async function fileOfSize(name: string, size: number): Promise<string> {
    const path = join(dir, name);
    const handle = await open(path, 'w');
    await handle.truncate(size);
    await handle.close();
    return path;
  }

  it('refuses a file over 10 MiB before reading it', async () => {
    const path = await fileOfSize('big.yaml', MAX_CONFIG_BYTES + 1);
    // Read, 10 MiB of NUL bytes would give YAML errors; refused unread, it gives one issue.
    expect((await issuesOf(path)).map(formatIssue)).toEqual([
      `${path}:1:1: the file is 10485761 bytes; orws reads config files of at most 10 MiB (10485760 bytes): split it into a directory of files`,
    ]);
  });

  it('reports the oversized file of a directory along with the other files', async () => {
    await fileOfSize('b.yaml', MAX_CONFIG_BYTES + 1);
    await writeFiles({ 'a.yaml': `${entries('a')}    name: ""\n`, 'c.yaml': entries('c') });
    const issues = await issuesOf(dir);
    expect(issues.map((issue) => [issue.file, issue.line, issue.col])).toEqual([
      [join(dir, 'a.yaml'), 4, 11],
      [join(dir, 'b.yaml'), 1, 1],
    ]);
  });
});

describe('loadConfig: a directory', () => {
  it('merges the fixture directory in name order, each file with its own defaults', async () => {
    const path = join(FIXTURES, 'dir');
    const state = await loadConfig(path);
    expect(state.files).toEqual([join(path, '10-production.yaml'), join(path, '20-staging.yml')]);
    expect(state.workspaces.map((w) => w.slug)).toEqual(['production', 'production-eu', 'staging']);
    expect(state.workspaces.map((w) => w.fields.description)).toEqual([
      'Production line',
      'Production line',
      undefined,
    ]);
    expect('description' in (state.workspaces[2]?.fields ?? {})).toBe(false);
  });

  it('reads *.yaml and *.yml sorted by name, skipping other files, hidden files and subdirectories', async () => {
    await writeFiles({
      'c.yaml': entries('from-c'),
      'a.yml': entries('from-a'),
      'B.yaml': entries('from-upper-b'),
      'b.yaml': entries('from-b'),
      'notes.txt': 'not yaml at all: [',
      'd.yaml.bak': 'not read either: [',
      '.hidden.yaml': 'an editor swap file: [',
    });
    await mkdir(join(dir, 'sub.yaml'));
    await writeFile(join(dir, 'sub.yaml', 'e.yaml'), entries('from-sub'));
    const state = await loadConfig(dir);
    expect(state.files).toEqual(
      ['B.yaml', 'a.yml', 'b.yaml', 'c.yaml'].map((name) => join(dir, name)),
    );
    expect(state.workspaces.map((w) => w.slug)).toEqual([
      'from-upper-b',
      'from-a',
      'from-b',
      'from-c',
    ]);
  });

  it('reports a directory without config files, naming it', async () => {
    await writeFiles({ 'README.md': '# nothing here' });
    expect((await issuesOf(dir)).map(formatIssue)).toEqual([
      `${dir}:1:1: the directory holds no *.yaml or *.yml file`,
    ]);
  });

  it('applies defaults to the entries of their own file only', async () => {
    await writeFiles({
      'a.yaml': 'version: 1\ndefaults:\n  default_provider_sort: price\nworkspaces:\n  - slug: a\n',
      'b.yaml': 'version: 1\ndefaults:\n  default_provider_sort: null\nworkspaces:\n  - slug: b\n',
      'c.yaml': entries('c'),
    });
    const state = await loadConfig(dir);
    expect(state.workspaces.map((w) => w.fields)).toStrictEqual([
      { slug: 'a', default_provider_sort: 'price' },
      { slug: 'b', default_provider_sort: null },
      { slug: 'c' },
    ]);
  });

  it('reports the same slug or id in two files, naming both', async () => {
    const id = '550e8400-e29b-41d4-a716-446655440000';
    const [a = '', b = ''] = await writeFiles({
      'a.yaml': `version: 1\nworkspaces:\n  - slug: prod\n  - id: ${id}\n    slug: stage\n`,
      'b.yaml': `version: 1\nworkspaces:\n  - slug: other\n  - id: ${id.toUpperCase()}\n    slug: stage-2\n  - slug: prod\n`,
    });
    expect((await issuesOf(dir)).map(formatIssue)).toEqual([
      `${b}:4:5: duplicate id "${id}": also at ${a}:4:5`,
      `${b}:6:5: duplicate slug "prod": also at ${a}:3:5`,
    ]);
  });

  it('reports every issue of every file, sorted by file, line and column', async () => {
    const [a = '', b = '', c = ''] = await writeFiles({
      'a.yaml': 'version: 1\nworkspaces:\n  - slug: a\n    nmae: A\n  - slug: B\n',
      'b.yaml': 'version: 1\nworkspaces:\n  - slug: x\n\tname: tab\n',
      'c.yaml': 'version: 2\nworkspaces:\n  - slug: a\n',
    });
    expect((await issuesOf(dir)).map((i) => `${i.file}:${i.line}:${i.col}`)).toEqual([
      `${a}:4:5`,
      `${a}:5:11`,
      `${b}:4:1`,
      `${c}:1:10`,
      `${c}:3:5`,
    ]);
  });

  it('reads an empty workspace list as no workspaces', async () => {
    await writeFiles({ 'a.yaml': 'version: 1\nworkspaces: []\n', 'b.yaml': entries('b') });
    expect((await loadConfig(dir)).workspaces.map((w) => w.slug)).toEqual(['b']);
  });
});
