/** A config directory: which files are read, which are named as skipped, and the unmanaged policy across files. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orws-config-dir-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeFiles(files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

function entries(slug: string, head = ''): string {
  return `version: 1\n${head}workspaces:\n  - slug: ${slug}\n`;
}

describe('loadConfig: a directory says what it read and what it skipped', () => {
  it('reads .yaml and .yml in any case, and names every other entry as skipped', async () => {
    await writeFiles({
      '10-a.yaml': entries('a'),
      '30-typo.YAML': entries('typo'),
      '40-b.Yml': entries('b'),
      'notes.txt': 'not yaml: [',
      'd.yaml.bak': 'not read: [',
      '.hidden.yaml': 'swap file: [',
    });
    await mkdir(join(dir, 'sub.yaml'));
    const state = await loadConfig(dir);
    expect(state.files).toEqual(['10-a.yaml', '30-typo.YAML', '40-b.Yml'].map((n) => join(dir, n)));
    expect(state.workspaces.map((w) => w.slug)).toEqual(['a', 'typo', 'b']);
    expect(state.skipped).toEqual(
      ['.hidden.yaml', 'd.yaml.bak', 'notes.txt', 'sub.yaml'].map((n) => join(dir, n)),
    );
  });

  it('has no skipped list when every entry is read, nor for a single file', async () => {
    await writeFiles({ 'a.yaml': entries('a') });
    expect((await loadConfig(dir)).skipped).toBeUndefined();
    expect((await loadConfig(join(dir, 'a.yaml'))).skipped).toBeUndefined();
  });
});

describe('loadConfig: unmanaged', () => {
  it('is allow by default', async () => {
    await writeFiles({ 'a.yaml': entries('a') });
    expect((await loadConfig(join(dir, 'a.yaml'))).unmanaged).toBe('allow');
  });

  it('is what a single file says', async () => {
    await writeFiles({ 'a.yaml': entries('a', 'unmanaged: forbid\n') });
    expect((await loadConfig(join(dir, 'a.yaml'))).unmanaged).toBe('forbid');
  });

  it('is forbid when any file of a directory says forbid, whatever the others say', async () => {
    await writeFiles({
      'a.yaml': entries('a', 'unmanaged: allow\n'),
      'b.yaml': entries('b', 'unmanaged: forbid\n'),
      'c.yaml': entries('c'),
    });
    expect((await loadConfig(dir)).unmanaged).toBe('forbid');
  });

  it('is allow when every file allows or says nothing', async () => {
    await writeFiles({ 'a.yaml': entries('a', 'unmanaged: allow\n'), 'b.yaml': entries('b') });
    expect((await loadConfig(dir)).unmanaged).toBe('allow');
  });
});
