import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import { ROOT } from '../helpers/cli.js';

const SCHEMA_FILE = join(ROOT, 'schema/workspaces.schema.json');
const MODELINE = /^# yaml-language-server: \$schema=(\S+)$/;

/** Every YAML file under examples/, at any depth, as a path relative to the repository. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [relative(ROOT, path)] : [];
  });
}

/** An orws config has a top-level `version:`; CI workflow files under examples/ci do not. */
const isConfig = (text: string): boolean => /^version:/m.test(text);

const files = yamlFiles(join(ROOT, 'examples')).sort();
const configs = files.filter((file) => isConfig(readFileSync(join(ROOT, file), 'utf8')));

// Compiled from the shipped file at test time: the build's standalone validator is not what is checked here.
const validate = new Ajv({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object,
);

describe('the examples', () => {
  it('include examples/workspaces.yaml among the configs, and skip only files that are not configs', () => {
    expect(configs).toContain('examples/workspaces.yaml');
    for (const file of files.filter((f) => !configs.includes(f)))
      expect(file).toMatch(/^examples\/ci\//);
  });

  it('examples/workspaces.yaml starts with the yaml-language-server modeline', () => {
    const first = readFileSync(join(ROOT, 'examples/workspaces.yaml'), 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=../schema/workspaces.schema.json');
  });

  describe.each(configs)('%s', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');

    it('is valid against schema/workspaces.schema.json (ajv)', () => {
      const valid = validate(parse(text));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    });

    it('is valid for orws (parseConfigText), with at least one workspace', () => {
      const parsed = parseConfigText(text, file);
      expect(parsed.issues).toEqual([]);
      expect(parsed.workspaces.length).toBeGreaterThan(0);
    });

    it('starts with a modeline whose $schema is the shipped schema, relative to the file', () => {
      const schema = MODELINE.exec(text.split('\n')[0] ?? '')?.[1];
      expect(schema).toBeDefined();
      const target = resolve(dirname(join(ROOT, file)), schema ?? '');
      expect(target).toBe(SCHEMA_FILE);
      expect(existsSync(target)).toBe(true);
    });
  });
});
