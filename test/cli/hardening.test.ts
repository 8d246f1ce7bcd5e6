import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_TIMER_SECONDS } from '../../src/api/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { FIELDS_EXAMPLE, exampleState, runOrws, sandboxEnv } from '../helpers/cli.js';

let sandbox: Sandbox;
let dir: string;

beforeEach(async () => {
  sandbox = await startSandbox({ ...exampleState() });
  dir = mkdtempSync(join(tmpdir(), 'orws-hard-'));
});

afterEach(async () => {
  await sandbox.close();
});

const env = () => sandboxEnv(sandbox.baseUrl);
const writes = () => sandbox.requests.filter((r) => r.method !== 'GET');

/** A sandbox of `count` workspaces and a config that renames the first `changed` of them. */
async function manyWorkspaces(count: number, changed: number): Promise<string> {
  await sandbox.close();
  const seed = Array.from({ length: count }, (_, i) => ({ slug: `ws-${i}`, name: `old ${i}` }));
  sandbox = await startSandbox({ seed });
  const file = join(dir, 'workspaces.yaml');
  writeFileSync(
    file,
    `version: 1\nworkspaces:\n${seed
      .map((w, i) => `  - slug: ${w.slug}\n    name: ${i < changed ? 'new' : 'old'} ${i}\n`)
      .join('')}`,
  );
  return file;
}

describe("orws's own output is never altered to hide the key", () => {
  it('with the key "model", export still writes default_text_model', async () => {
    const result = await runOrws(['export'], {
      env: { OPENROUTER_BASE_URL: sandbox.baseUrl, OPENROUTER_MANAGEMENT_KEY: 'model' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('default_text_model:');
    expect(result.stdout).not.toContain('REDACTED');
  });

  it('with the key "x", plan still names the sandbox workspace', async () => {
    const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE], {
      env: { OPENROUTER_BASE_URL: sandbox.baseUrl, OPENROUTER_MANAGEMENT_KEY: 'x' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('sandbox (');
    expect(result.stdout + result.stderr).not.toContain('REDACTED');
  });
});

describe('range checks', () => {
  it('--timeout above what a Node timer holds is a usage error', async () => {
    const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--timeout', '2147484'], {
      env: env(),
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('--timeout must be at most 2147483 seconds');
    expect(sandbox.requests).toHaveLength(0);
    const ok = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--timeout', '2147483'], {
      env: env(),
    });
    expect(ok.exitCode).toBe(0);
  });

  it("--timeout's limit is the API layer's MAX_TIMER_SECONDS", async () => {
    const over = await runOrws(['plan', '--timeout', String(MAX_TIMER_SECONDS + 1)], {
      env: env(),
    });
    expect(over.exitCode).toBe(1);
    expect(over.stderr).toContain(`--timeout must be at most ${MAX_TIMER_SECONDS} seconds`);
    const at = await runOrws(
      ['plan', '-f', FIELDS_EXAMPLE, '--timeout', String(MAX_TIMER_SECONDS)],
      {
        env: env(),
      },
    );
    expect(at.exitCode).toBe(0);
  });

  it.each([
    ['6000', 'port 6000 is one that fetch refuses'],
    ['10080', 'port 10080 is one that fetch refuses'],
    ['65536', 'from 0 to 65535'],
  ])('sandbox --port %s is a usage error naming the port', async (port, words) => {
    const result = await runOrws(['sandbox', '--port', port]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`argument '${port}' is invalid`);
    expect(result.stderr).toContain(words);
    expect(result.stdout).toBe('');
  });
});

describe('the confirmation prompt', () => {
  it('Ctrl-D (end of input) is a no: cancelled, nothing sent, exit 1', async () => {
    const result = await runOrws(['apply', '-f', FIELDS_EXAMPLE], {
      env: env(),
      tty: true,
      input: '',
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('Enter a value: ');
    expect(result.stderr.endsWith('orws: apply cancelled; nothing was sent.\n')).toBe(true);
    expect(writes()).toHaveLength(0);
  });

  it('yes on a terminal applies', async () => {
    const result = await runOrws(['apply', '-f', FIELDS_EXAMPLE], {
      env: env(),
      tty: true,
      input: 'yes\n',
    });
    expect(result.exitCode).toBe(0);
    expect(writes().length).toBeGreaterThan(0);
  });
});

describe('plan --out', () => {
  it('refuses to overwrite a file that is not a plan, and leaves it as it was', async () => {
    const config = join(dir, 'workspaces.yaml');
    writeFileSync(config, readFileSync(FIELDS_EXAMPLE));
    const result = await runOrws(['plan', '-f', config, '--out', config], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('refusing to overwrite');
    expect(readFileSync(config, 'utf8')).toBe(readFileSync(FIELDS_EXAMPLE, 'utf8'));
    expect(sandbox.requests).toHaveLength(0);
  });

  it('refuses a link to a file that is not a plan, and leaves that file as it was', async () => {
    const config = join(dir, 'victim.yaml');
    writeFileSync(config, readFileSync(FIELDS_EXAMPLE));
    const link = join(dir, 'link.json');
    symlinkSync(config, link);
    const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--out', link], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('refusing to overwrite');
    expect(readFileSync(config, 'utf8')).toBe(readFileSync(FIELDS_EXAMPLE, 'utf8'));
    expect(sandbox.requests).toHaveLength(0);
  });

  it('writes through a link to an older plan', async () => {
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, JSON.stringify({ format_version: 0, changes: [] }));
    const link = join(dir, 'link.json');
    symlinkSync(planFile, link);
    const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--out', link], { env: env() });
    expect(result.exitCode).toBe(0);
    expect(
      (JSON.parse(readFileSync(planFile, 'utf8')) as { format_version: number }).format_version,
    ).toBe(2);
  });

  it('overwrites an older plan', async () => {
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, JSON.stringify({ format_version: 0, changes: [] }));
    const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--out', planFile], { env: env() });
    expect(result.exitCode).toBe(0);
    expect(
      (JSON.parse(readFileSync(planFile, 'utf8')) as { format_version: number }).format_version,
    ).toBe(2);
  });
});

describe('show PLANFILE', () => {
  it('prints the saved plan as plan does, in every format, with no key and no request', async () => {
    const planFile = join(dir, 'plan.json');
    for (const format of ['text', 'json', 'markdown']) {
      const planned = await runOrws(
        ['plan', '-f', FIELDS_EXAMPLE, '--out', planFile, '--format', format],
        { env: env() },
      );
      sandbox.clearRequests();
      const shown = await runOrws(['show', planFile, '--format', format]);
      expect(shown.exitCode).toBe(0);
      expect(shown.stdout).toBe(planned.stdout);
      expect(sandbox.requests).toHaveLength(0);
    }
  });

  it('refuses a file that is not a plan', async () => {
    const result = await runOrws(['show', FIELDS_EXAMPLE]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('is not a plan file');
  });
});

describe('apply PLANFILE', () => {
  it('prints the plan it applies before the results', async () => {
    const planFile = join(dir, 'plan.json');
    await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--out', planFile], { env: env() });
    const shown = await runOrws(['show', planFile]);
    const result = await runOrws(['apply', planFile], { env: env() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.startsWith(shown.stdout)).toBe(true);
    expect(result.stdout.slice(shown.stdout.length)).toMatch(/: updated/);
  });
});

describe('safety thresholds', () => {
  it('apply refuses when more than 30% of 12 managed workspaces would be updated; nothing sent', async () => {
    const file = await manyWorkspaces(12, 4);
    const result = await runOrws(['apply', '-f', file, '--auto-approve'], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      '4 of 12 managed workspaces (33%) would be updated; the limit is 30%: use --force if this is intended',
    );
    expect(writes()).toHaveLength(0);
  });

  it('apply PLANFILE refuses too, before any request', async () => {
    const file = await manyWorkspaces(12, 4);
    const planFile = join(dir, 'plan.json');
    const planned = await runOrws(['plan', '-f', file, '--out', planFile], { env: env() });
    expect(planned.exitCode).toBe(0);
    expect(planned.stderr).toContain('orws: warning: apply would refuse this plan: 4 of 12');
    sandbox.clearRequests();
    const result = await runOrws(['apply', planFile], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('--force and a higher --max-update-percent override; 3 of 12 is within the limit', async () => {
    const file = await manyWorkspaces(12, 4);
    const forced = await runOrws(['apply', '-f', file, '--auto-approve', '--force'], {
      env: env(),
    });
    expect(forced.exitCode).toBe(0);
    expect(writes()).toHaveLength(4);
    const small = await manyWorkspaces(12, 3);
    const within = await runOrws(['apply', '-f', small, '--auto-approve'], { env: env() });
    expect(within.exitCode).toBe(0);
    const raised = await manyWorkspaces(12, 4);
    const allowed = await runOrws(
      ['apply', '-f', raised, '--auto-approve', '--max-update-percent', '40'],
      { env: env() },
    );
    expect(allowed.exitCode).toBe(0);
  });

  it('--max-create-percent limits creates', async () => {
    const file = await manyWorkspaces(10, 0);
    writeFileSync(
      file,
      readFileSync(file, 'utf8') +
        ['a', 'b'].map((s) => `  - slug: new-${s}\n    name: New ${s}\n`).join(''),
    );
    const result = await runOrws(
      ['apply', '-f', file, '--auto-approve', '--max-create-percent', '10'],
      { env: env() },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('2 of 10 managed workspaces (20%) would be created');
    expect(writes()).toHaveLength(0);
  });
});

describe('export', () => {
  it('--target exports a subset; the modeline points into node_modules/orws', async () => {
    const [first] = sandbox.workspaces();
    if (first === undefined) throw new Error('empty seed');
    const result = await runOrws(['export', '--target', first.slug], { env: env() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /^# yaml-language-server: \$schema=\.\/node_modules\/orws\/schema\/workspaces\.schema\.json\n/,
    );
    expect(result.stdout.match(/^ {2}- id: /gm)).toHaveLength(1);
    expect(result.stdout).toContain(`slug: ${first.slug}\n`);
  });

  it('--target naming no workspace is an error', async () => {
    const result = await runOrws(['export', '--target', 'no-such-one'], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('no-such-one');
  });

  it('--target matches a slug or id as plan --target does: in its exact letter case', async () => {
    const production = sandbox.workspaces().find((w) => w.slug === 'production');
    if (production === undefined) throw new Error('the example state has no production');
    const planned = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--target', 'PRODUCTION'], {
      env: env(),
    });
    expect(planned.exitCode).toBe(1);
    expect(planned.stderr).toContain('"PRODUCTION" names no workspace');
    for (const target of ['PRODUCTION', production.id.toUpperCase()]) {
      const exported = await runOrws(['export', '--target', target], { env: env() });
      expect(exported.exitCode, target).toBe(1);
      expect(exported.stdout, target).toBe('');
      expect(exported.stderr, target).toContain(
        `--target names no workspace of the account: ${target}`,
      );
    }
    for (const target of ['production', production.id]) {
      const exported = await runOrws(['export', '--target', target], { env: env() });
      expect(exported.exitCode, target).toBe(0);
      expect(exported.stdout, target).toContain(`id: ${production.id}\n`);
    }
  });

  it('--schema-url sets the modeline', async () => {
    const result = await runOrws(['export', '--schema-url', 'https://example.com/s.json'], {
      env: env(),
    });
    expect(result.stdout).toMatch(
      /^# yaml-language-server: \$schema=https:\/\/example\.com\/s\.json\n/,
    );
  });

  it('--out refuses an existing file unless --force', async () => {
    const out = join(dir, 'workspaces.yaml');
    writeFileSync(out, 'mine\n');
    const refused = await runOrws(['export', '--out', out], { env: env() });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    const forced = await runOrws(['export', '--out', out, '--force'], { env: env() });
    expect(forced.exitCode).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('version: 1');
  });
});

describe('Terraform habits', () => {
  it.each([
    ['plan', '-auto-approve'],
    ['plan', '-out=plan.json'],
    ['plan', '-target', 'production'],
    ['plan', '-detailed-exitcode'],
    ['plan', '-var', 'x=1'],
  ])('%s %s is one usage line naming the double-dash spelling', async (...args) => {
    const result = await runOrws(args, { env: env() });
    const name = args[1].split('=')[0] ?? '';
    expect(result).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: `orws: error: unknown option '${name}' (did you mean '-${name}'?)\n`,
    });
    expect(sandbox.requests).toHaveLength(0);
  });

  it('a short option with its value attached, and a value that starts with a dash, still work', async () => {
    const attached = await runOrws(['validate', `-f${FIELDS_EXAMPLE}`]);
    expect(attached.exitCode).toBe(0);
    const dashValue = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--target', '-weird'], {
      env: env(),
    });
    expect(dashValue.stderr).not.toContain('did you mean');
  });
});

describe('orws sandbox', () => {
  it('prints a ready line that pastes into bash, pages by --max-page-size, answers sets reordered, and stops on a signal', async () => {
    // Seven workspaces, one with a key-id set, seeded from a state file.
    const state = join(dir, 'state.json');
    const seed = Array.from({ length: 7 }, (_, i) => ({ slug: `ws-${i}`, name: `W ${i}` }));
    writeFileSync(
      state,
      JSON.stringify({
        workspaces: [{ ...seed[0], io_logging_api_key_ids: [1, 2, 3] }, ...seed.slice(1)],
      }),
    );
    let ready = '';
    let listed: Promise<unknown> | undefined;
    const result = await runOrws(
      ['sandbox', '--state', state, '--max-page-size', '5', '--reorder-arrays'],
      {
        onStdout: (text, send) => {
          ready += text;
          const baseUrl = /OPENROUTER_BASE_URL=(\S+)/.exec(ready)?.[1];
          if (baseUrl === undefined || listed !== undefined) return;
          listed = fetch(`${baseUrl}/workspaces?limit=100`, {
            headers: { authorization: 'Bearer sandbox-key' },
          })
            .then((response) => response.json())
            .finally(() => {
              send('SIGTERM');
            });
        },
      },
    );
    expect(result.exitCode).toBe(0);
    const line = /^ {2}(export .*)$/m.exec(result.stdout)?.[1];
    expect(line).toBeDefined();
    const shell = spawnSync(
      'bash',
      ['-c', `${line ?? ''}; echo "$OPENROUTER_BASE_URL $OPENROUTER_MANAGEMENT_KEY"`],
      { encoding: 'utf8' },
    );
    expect(shell.status).toBe(0);
    expect(shell.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1 sandbox-key\n$/);
    expect(result.stdout).toContain('orws sandbox stopped (SIGTERM)');

    // limit=100 is asked; --max-page-size 5 answers 5, with total_count still true.
    const page = (await listed) as {
      data: { slug: string; io_logging_api_key_ids: number[] | null }[];
      total_count: number;
    };
    expect(page.total_count).toBe(7);
    expect(page.data.map((w) => w.slug)).toEqual(['ws-0', 'ws-1', 'ws-2', 'ws-3', 'ws-4']);
    // --reorder-arrays: the same set, in another order than stored.
    const keys = page.data[0]?.io_logging_api_key_ids ?? [];
    expect(keys).not.toEqual([1, 2, 3]);
    expect([...keys].sort()).toEqual([1, 2, 3]);
  });

  it('--latency holds every answer back: a create is made and saved while its answer is still held', async () => {
    // Not timed: with a latency of ten minutes, the sandbox makes the change (and saves it to
    // the state file) yet has not answered when the state file shows it. Without the latency
    // the answer comes right after the change, well before the debounced save.
    const state = join(dir, 'state.json');
    writeFileSync(state, JSON.stringify({ workspaces: [] }));
    type Answer = 'none' | 'answered' | 'refused';
    let answer: Answer = 'none';
    let whenSaved: Answer | undefined;
    const result = await runOrws(['sandbox', '--state', state, '--latency', '600000'], {
      onStdout: (text, send) => {
        const baseUrl = /OPENROUTER_BASE_URL=(\S+)/.exec(text)?.[1];
        if (baseUrl === undefined) return;
        void fetch(`${baseUrl}/workspaces`, {
          method: 'POST',
          headers: { authorization: 'Bearer sandbox-key', 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'New', slug: 'new' }),
        }).then(
          () => (answer = 'answered'),
          () => (answer = 'refused'), // the connection closed with the sandbox
        );
        void (async () => {
          while (!readFileSync(state, 'utf8').includes('"new"')) {
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          whenSaved = answer;
          send('SIGTERM');
        })();
      },
    });
    expect(result.exitCode).toBe(0);
    expect(whenSaved).toBe('none');
  });
});

describe('signals during apply', () => {
  it('a second signal stops at once, with an account that names what is unknown', async () => {
    const file = await manyWorkspaces(4, 4);
    // The PATCH is answered only after ten minutes: a run that waited for it would not end
    // within the test's timeout.
    sandbox.faults.add({ method: 'PATCH', path: '/workspaces/*', delayMs: 600_000, times: 0 });
    let sent = 0;
    const result = await runOrws(
      ['apply', '-f', file, '--auto-approve', '--concurrency', '1', '--format', 'text'],
      {
        env: env(),
        onStdout: (text, send) => {
          if (sent === 0 && text.includes('Plan:')) {
            sent = 2;
            setTimeout(() => {
              send('SIGINT');
              send('SIGINT');
            }, 200);
          }
        },
      },
    );
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('without an answer yet');
    expect(result.stderr).toContain('may or may not have been changed');
    // The second signal does not wait for the apply to end: no closing summary (whose first
    // line says no new request was sent) on stdout, only the account on stderr.
    expect(result.stdout).not.toContain('no new request was sent');
  });

  it('the first signal alone returns within 2 s even when a request hangs', async () => {
    const file = await manyWorkspaces(2, 2);
    sandbox.faults.add({ method: 'PATCH', path: '/workspaces/*', delayMs: 10_000, times: 0 });
    let signalledAt = 0;
    const result = await runOrws(['apply', '-f', file, '--auto-approve', '--concurrency', '1'], {
      env: env(),
      onStdout: (text, send) => {
        if (signalledAt === 0 && text.includes('Plan:')) {
          signalledAt = Date.now();
          setTimeout(() => {
            send('SIGTERM');
          }, 200);
        }
      },
    });
    expect(result.exitCode).toBe(143);
    expect(Date.now() - signalledAt).toBeLessThan(2500);
    expect(result.stderr).toContain('SIGTERM received');
    // No new change is started after the signal: the second workspace is not attempted, and
    // no request names it.
    const second = sandbox.workspaces().find((w) => w.slug === 'ws-1');
    if (second === undefined) throw new Error('no workspace ws-1');
    expect(sandbox.requests.filter((r) => r.path.includes(second.id))).toEqual([]);
    expect(result.stdout).toContain(
      `Not attempted (not changed):\n  workspace "ws-1" (${second.id})\n`,
    );
  }, 40_000);
});

describe('sandbox --state that cannot be saved', () => {
  it('says it cannot save, and where, instead of an internal error; exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orws-state-'));
    const state = join(dir, 'state.json');
    const result = await runOrws(['sandbox', '--state', state], {
      onStdout: (text, send) => {
        const baseUrl = /OPENROUTER_BASE_URL=(\S+)/.exec(text)?.[1];
        if (baseUrl === undefined) return;
        // A change to save, and the directory becomes a file before the sandbox stops.
        rmSync(dir, { recursive: true, force: true });
        writeFileSync(dir, 'not a directory');
        void fetch(`${baseUrl}/workspaces`, {
          method: 'POST',
          headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'New', slug: 'new' }),
        }).then(() => {
          send('SIGTERM');
        });
      },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /cannot save its state to .*state\.json: E[A-Z]+; the changes of this run are lost/,
    );
    expect(result.stderr).not.toContain('internal error');
  });
});

describe('the default config file', () => {
  it('is explained when -f is left out, not when -f names workspaces.yaml', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'orws-nofile-'));
    const implicit = await runOrws(['validate'], { cwd: empty });
    expect(implicit.exitCode).toBe(1);
    expect(implicit.stderr).toContain(
      'the file does not exist: orws reads workspaces.yaml in the working directory by default',
    );
    const explicit = await runOrws(['validate', '-f', 'workspaces.yaml'], { cwd: empty });
    expect(explicit.exitCode).toBe(1);
    expect(explicit.stderr).toContain('workspaces.yaml:1:1: the file does not exist\n');
    expect(explicit.stderr).not.toContain('by default');
  });
});

describe('config text in messages and logs', () => {
  it('a bidirectional or zero-width character in a config key is shown escaped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orws-bidi-'));
    const file = join(dir, 'workspaces.yaml');
    writeFileSync(file, 'version: 1\nworkspaces:\n  - slug: a\n    "na\u202eme\u200b": x\n');
    const result = await runOrws(['validate', '-f', file]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('na\\u202eme\\u200b');
    expect(result.stderr).not.toMatch(/[\u202e\u200b]/);
  });

  it('a bidirectional or control character in a --target that names nothing is shown escaped', async () => {
    const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--target', 'x\u202ey\u009b2J'], {
      env: env(),
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('target "x\\u202ey\\u009b2J" names no workspace');
    expect(result.stderr).not.toMatch(/[\u202e\u009b]/);
  });

  it('a directory config names every file it skipped, at info', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orws-dir-'));
    writeFileSync(join(dir, '10-a.yaml'), 'version: 1\nworkspaces:\n  - slug: a\n');
    writeFileSync(join(dir, '20-b.YAML'), 'version: 1\nworkspaces:\n  - slug: b\n');
    writeFileSync(join(dir, '30-notes.txt'), 'not a config');
    const result = await runOrws(['validate', '-f', dir, '--log-level', 'info']);
    expect(result.stdout).toContain('valid: 2 workspaces in 2 files');
    const logged = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; file: string });
    expect(logged).toEqual([
      expect.objectContaining({ file: expect.stringContaining('30-notes.txt') as string }),
    ]);
  });
});
