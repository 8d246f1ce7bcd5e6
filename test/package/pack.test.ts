/**
 * The package as a user gets it: `npm pack`, installed from the tarball into an empty project,
 * then `npx orws`, an ESM import of the library, a TypeScript consumer and the README's drift
 * alert, all run there. Slow by nature (npm and tsc run once each): one setup for every test.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, TEST_KEY } from '../helpers/cli.js';
import { DRIFT_ALERT } from './drift-alert.js';

const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const SETUP_TIMEOUT = 240_000;
/** npx, node and tsc runs: seconds here, but CI machines are slower and run other test files alongside. */
const SLOW = { timeout: 120_000 };

interface PackResult {
  filename: string;
  files: { path: string }[];
}

interface Run {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment for npm and the programs run in the project: this process's, without the
 * `npm_*` variables `npm test` sets (npm_config_local_prefix would point npm at this
 * repository instead of the temporary project), the registry and cache settings excepted.
 */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  const keep = /^npm_config_(registry|cache|userconfig|globalconfig)$/i;
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name.startsWith('OPENROUTER_') || name === 'INIT_CWD') continue;
    if (/^npm_/i.test(name) && !keep.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command asynchronously (a sandbox served by this process must keep answering). */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      resolve({ exitCode, stdout, stderr });
    });
    child.stdin.end();
  });
}

/** `npx orws …` in the project; `--no` so that npx never fetches some other `orws` from the registry. */
const npxOrws = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
  run('npx', ['--no', '--', 'orws', ...args], project, env);

/**
 * The `orws` that npm linked into the project's node_modules/.bin, run directly: the same
 * installed command as npx finds (the first test checks that it does), without npm's start-up
 * on every call.
 */
const orws = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
  run(join(project, 'node_modules', '.bin', 'orws'), args, project, env);

let temp: string;
let project: string;
let packed: PackResult;

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'orws-pack-'));
  project = join(temp, 'project');
  mkdirSync(project);
  // The build is npm test's first step; --ignore-scripts skips `prepare` building it again.
  const out = execFileSync(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', temp],
    {
      cwd: ROOT,
      env: cleanEnv(),
      encoding: 'utf8',
    },
  );
  const results = JSON.parse(out) as PackResult[];
  if (results[0] === undefined) throw new Error(`npm pack printed no result: ${out}`);
  packed = results[0];
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'orws-consumer', private: true, type: 'module' }, null, 2),
  );
  // --prefer-offline: the dependencies come from npm's cache when `npm ci` has filled it, and
  // from the registry otherwise.
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      join(temp, packed.filename),
    ],
    { cwd: project, env: cleanEnv(), encoding: 'utf8' },
  );
  copyFileSync(join(ROOT, 'examples/workspaces.yaml'), join(project, 'workspaces.yaml'));
}, SETUP_TIMEOUT);

afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds dist/, schema/, README.md, LICENSE, CHANGELOG.md and package.json, and nothing else', () => {
    const paths = packed.files.map((file) => file.path).sort();
    for (const path of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'schema/workspaces.schema.json',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/sandbox/index.js',
      'dist/sandbox/index.d.ts',
    ]) {
      expect(paths).toContain(path);
    }
    const top = new Set(paths.map((path) => path.split('/')[0]));
    expect([...top].sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'dist',
      'package.json',
      'schema',
    ]);
    // No sources, maps or build state in dist/: only compiled modules and their declarations.
    expect(
      paths.filter((path) => path.startsWith('dist/') && !/(?<!\.d)\.js$|\.d\.ts$/.test(path)),
    ).toEqual([]);
    expect(paths.filter((path) => /(^|\/)(test|tests|fixtures|__tests__)\//.test(path))).toEqual(
      [],
    );
  });

  it('the MIT license is in the package', () => {
    expect(readFileSync(join(project, 'node_modules/orws/LICENSE'), 'utf8')).toMatch(
      /^MIT License/,
    );
  });
});

describe('installed from the tarball', SLOW, () => {
  it('npx orws --version prints the package version', async () => {
    const result = await npxOrws(['--version']);
    expect(result).toMatchObject({ exitCode: 0, stdout: `${PACKAGE.version}\n` });
  });

  it('npx orws validate checks a config: exit 0 when valid, 1 with FILE:LINE:COL when not', async () => {
    writeFileSync(
      join(project, 'bad-unknown-key.yaml'),
      'version: 1\nworkspaces:\n  - slug: research\n    descripton: x\n',
    );
    const [valid, invalid] = await Promise.all([
      orws(['validate', '-f', 'workspaces.yaml']),
      orws(['validate', '-f', 'bad-unknown-key.yaml']),
    ]);
    expect(valid.stderr).toBe('');
    expect(valid.exitCode).toBe(0);
    expect(valid.stdout).toContain('valid');
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stderr).toContain('bad-unknown-key.yaml:4:5:');
  });

  it('an ESM script imports the library API, orws/sandbox and the schema by name', async () => {
    writeFileSync(
      join(project, 'check.mjs'),
      `import { createRequire } from 'node:module';
import * as orws from 'orws';
import { startSandbox } from 'orws/sandbox';
const require = createRequire(import.meta.url);
const schema = require(require.resolve('orws/schema/workspaces.schema.json'));
const sandbox = await startSandbox({ seed: [{ slug: 'research', name: 'Research' }] });
const client = orws.createClient({ baseUrl: sandbox.baseUrl, apiKey: 'any-key' });
const workspaces = await orws.fetchWorkspaces(client);
await sandbox.close();
console.log(JSON.stringify({
  exports: Object.fromEntries(Object.entries(orws).map(([name, value]) => [name, typeof value])),
  slugs: workspaces.map((w) => w.slug),
  schemaTitle: schema.title,
  commanderLoaded: Object.keys(require.cache).some((path) => path.includes('/commander/')),
}));
`,
    );
    const result = await run(process.execPath, ['check.mjs'], project);
    expect(result.stderr).toBe('');
    const seen = JSON.parse(result.stdout) as {
      exports: Record<string, string>;
      slugs: string[];
      schemaTitle: string;
      commanderLoaded: boolean;
    };
    for (const name of [
      'loadConfig',
      'parseConfigText',
      'createClient',
      'readManagementKey',
      'checkBaseUrl',
      'fetchWorkspaces',
      'computePlan',
      'verifyChange',
      'parsePlanDocument',
      'applyPlan',
      'renderPlan',
      'renderExport',
      'OrwsError',
      'ConfigError',
      'UsageError',
      'ApiError',
      'StalePlanError',
      'PlanFileError',
    ]) {
      expect(seen.exports[name], name).toBe('function');
    }
    expect(seen.exports.startSandbox).toBeUndefined();
    expect(seen.slugs).toEqual(['research']);
    expect(seen.schemaTitle).toBe('orws workspaces');
    expect(seen.commanderLoaded).toBe(false);
  });

  it('the main entry reaches neither the sandbox nor the command line (static import graph)', () => {
    const dist = join(project, 'node_modules/orws/dist');
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(dist, file), 'utf8');
      for (const match of text.matchAll(
        /(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm,
      )) {
        const specifier = match[1] ?? '';
        if (specifier.startsWith('.')) visit(join(file, '..', specifier));
        else packages.add(specifier.split('/')[0] ?? specifier);
      }
    };
    visit('index.js');
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].filter((file) => file.startsWith('sandbox/'))).toEqual([]);
    expect([...seen].filter((file) => file.startsWith('cli/'))).toEqual([]);
    expect(packages.has('commander')).toBe(false);
  });

  it('a TypeScript consumer type-checks against the declarations of both entries', async () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { ApiError, ConfigError, applyPlan, computePlan, createClient, fetchWorkspaces, parseConfigText, renderPlan,
  type ApplyReport, type Client, type Plan, type Workspace } from 'orws';
import { startSandbox, type Sandbox } from 'orws/sandbox';

export async function check(): Promise<string> {
  const sandbox: Sandbox = await startSandbox();
  const client: Client = createClient({ baseUrl: sandbox.baseUrl, apiKey: 'any-key' });
  const current: Workspace[] = await fetchWorkspaces(client);
  const { workspaces, issues } = parseConfigText('version: 1\\nworkspaces: []\\n', 'inline.yaml');
  const plan: Plan = computePlan({ desired: { files: ['inline.yaml'], workspaces, unmanaged: 'allow' }, current, baseUrl: client.baseUrl });
  const report: ApplyReport = await applyPlan(plan, client, { concurrency: 1, verify: false });
  await sandbox.close();
  // @ts-expect-error: the formats are text, json and markdown (fails if the types did not load)
  renderPlan(plan, { format: 'yaml' });
  const error: unknown = new ConfigError([]);
  return \`\${String(issues.length)} \${String(report.summary.applied)} \${String(error instanceof ApiError)} \${renderPlan(plan, { format: 'markdown' })}\`;
}
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          // Our declarations (and the dependencies' they import) are checked; TypeScript's own
          // lib files need no checking, and checking them doubles the time.
          skipLibCheck: false,
          skipDefaultLibCheck: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    const result = await run(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      project,
    );
    expect(result.stdout + result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });
});

describe("the README's drift alert", SLOW, () => {
  let sandbox: Sandbox;
  let webhook: Server;
  let webhookUrl: string;
  const posts: { method: string | undefined; body: string }[] = [];

  beforeAll(async () => {
    // The demo's whole sandbox state: workspaces, budgets, guardrails and members.
    const state = join(mkdtempSync(join(tmpdir(), 'orws-drift-state-')), 'state.json');
    copyFileSync(join(ROOT, 'examples/sandbox-state.json'), state);
    sandbox = await startSandbox({ stateFile: state });
    webhook = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        posts.push({ method: request.method, body });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const address = webhook.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    webhookUrl = `http://127.0.0.1:${String(address.port)}/hook`;
    writeFileSync(join(project, 'drift-alert.mjs'), DRIFT_ALERT);
  });

  afterAll(async () => {
    await sandbox.close();
    await new Promise((resolve) => webhook.close(resolve));
  });

  it('posts the plan and exits 2 on drift; after an apply, posts nothing and exits 0', async () => {
    const env = {
      OPENROUTER_BASE_URL: sandbox.baseUrl,
      OPENROUTER_MANAGEMENT_KEY: TEST_KEY,
      SLACK_WEBHOOK_URL: webhookUrl,
    };
    const drift = await run(process.execPath, ['drift-alert.mjs'], project, env);
    expect(drift.stderr).toBe('');
    expect(drift.exitCode).toBe(2);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.method).toBe('POST');
    const text = (JSON.parse(posts[0]?.body ?? '{}') as { text: string }).text;
    expect(text).toContain('~ default_text_model: "openai/gpt-4o" → "anthropic/claude-sonnet-4"');
    expect(text).toContain('~ members: +erin@example.com −bob@example.com');
    expect(text).toContain('Plan: 3 to create, 5 to update, 1 unchanged, 1 unmanaged.');
    expect(text).not.toContain(TEST_KEY);
    expect(sandbox.requests.filter((r) => r.method !== 'GET')).toEqual([]);

    const apply = await orws(['apply', '--auto-approve'], env);
    expect(apply.exitCode).toBe(0);

    const clean = await run(process.execPath, ['drift-alert.mjs'], project, env);
    expect(clean).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(posts).toHaveLength(1);
  });
});
