import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { EXAMPLE, runOrws, sandboxEnv } from '../helpers/cli.js';
import {
  configWriter,
  demoState,
  guardrailOf,
  lines,
  PROD_ID,
  sandboxPerTest,
  writesOf,
} from './parts-helpers.js';

const { open, demo } = sandboxPerTest();

describe('plan shows each part as its own change', () => {
  it('text: one change per part under its workspace, per-key before → after, counted in the summary', async () => {
    const s = await demo();
    const result = await runOrws(['plan', '-f', EXAMPLE], { env: sandboxEnv(s.baseUrl) });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/~ workspace "production" \([0-9a-f-]+\) budgets will be updated/);
    expect(out).toMatch(/~ workspace "production" \([0-9a-f-]+\) guardrail will be updated/);
    expect(out).toMatch(/~ workspace "production" \([0-9a-f-]+\) members will be updated/);
    expect(out).toContain('~ monthly: 300 → 500');
    expect(out).toContain('~ daily: 20 → 25');
    expect(out).toContain('~ include_byok: false → true');
    // The lifetime budget is set to null and has none: no change shown for it.
    expect(out).not.toContain('lifetime');
    expect(out).toContain('~ allowed_models: +anthropic/claude-sonnet-4');
    expect(out).toContain('~ enforce_zdr_openai: false → true');
    expect(out).toContain('~ members: +erin@example.com −bob@example.com');
    expect(out).toContain('+ workspace "data-science" budgets will be set');
    expect(out).toContain('+ workspace "data-science" members will be set');
    // 3 creates (workspace, budgets, members of data-science); 5 updates (production's
    // workspace, budgets, guardrail, members; staging-eu's workspace).
    expect(out).toContain('Plan: 3 to create, 5 to update, 1 unchanged, 1 unmanaged.');
    expect(writesOf(s.requests)).toEqual([]);
  });

  it('JSON: a kind on each change, fields with before and after, and the exact bodies', async () => {
    const s = await demo();
    const result = await runOrws(['plan', '-f', EXAMPLE, '--format', 'json'], {
      env: sandboxEnv(s.baseUrl),
    });
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(result.stdout) as Plan;
    expect(plan.changes.map((c) => `${c.action} ${c.slug} ${c.kind}`)).toEqual([
      'create data-science workspace',
      'create data-science budgets',
      'create data-science members',
      'update production workspace',
      'update production budgets',
      'update production guardrail',
      'update production members',
      'update staging-eu workspace',
    ]);
    const part = (kind: string) =>
      plan.changes.find((c) => c.slug === 'production' && c.kind === kind);
    expect(part('budgets')?.fields).toEqual([
      { field: 'daily', before: 20, after: 25 },
      { field: 'monthly', before: 300, after: 500 },
      { field: 'include_byok', before: false, after: true },
    ]);
    expect(part('guardrail')?.body).toEqual({
      allowed_models: ['anthropic/claude-4-sonnet-20250522', 'openai/gpt-4o-2024-05-13'],
      ignored_providers: ['deepinfra'],
      enforce_zdr_openai: true,
      content_filter_builtins: [{ slug: 'regex-prompt-injection', action: 'block' }],
    });
    expect(part('members')?.body).toEqual({ add: ['user_erin'], remove: ['user_bob'] });
    expect(part('members')?.labels).toMatchObject({
      user_erin: 'erin@example.com',
      user_bob: 'bob@example.com',
    });
    expect(plan.summary).toEqual({
      create: 3,
      update: 5,
      unchanged: 1,
      unmanaged: 1,
      missing: 0,
    });
  });

  it('markdown: one section per part, with its fields before and after', async () => {
    const s = await demo();
    const result = await runOrws(['plan', '-f', EXAMPLE, '--format', 'markdown'], {
      env: sandboxEnv(s.baseUrl),
    });
    expect(result.exitCode).toBe(0);
    const out = result.stdout;
    for (const kind of ['budgets', 'guardrail', 'members']) {
      expect(out).toMatch(
        new RegExp(`update <code>production</code> \\([0-9a-f-]+\\) ${kind}: \\d+ fields?`),
      );
    }
    expect(out).toContain('| monthly | <code>300</code> | <code>500</code> |');
    // A set-valued field: the whole lists, and under them what changed, as the text view says it.
    expect(out).toContain(
      '<code>&#91;&#34;alice&#64;example.com&#34;,&#34;erin&#64;example.com&#34;&#93;</code><br>&#43;erin&#64;example.com &#8722;bob&#64;example.com |',
    );
    expect(out).toContain('<br>&#43;anthropic&#47;claude-sonnet-4 |');
    expect(out).toContain('create <code>data-science</code> budgets: 1 field');
    expect(out).toContain('**Plan: 3 to create, 5 to update, 1 unchanged, 1 unmanaged.**');
  });
});

describe('plan reads only what is managed', () => {
  it('the demo: one listing, then one read per managed part, the models once, the organization once', async () => {
    const s = await demo();
    const result = await runOrws(['plan', '-f', EXAMPLE], { env: sandboxEnv(s.baseUrl) });
    expect(result.exitCode).toBe(0);
    expect(lines(s.requests).sort()).toEqual(
      [
        'GET /workspaces',
        `GET /workspaces/${PROD_ID}/budgets`,
        `GET /guardrails/${guardrailOf(s, 'production')}`,
        `GET /workspaces/${PROD_ID}/members`,
        'GET /models',
        'GET /organization/members',
      ].sort(),
    );
  });

  it('entries without parts read no part; a guardrail naming no models reads no catalog', async () => {
    const s = await demo();
    const { write } = configWriter();
    const file = write(
      [
        'version: 1',
        'workspaces:',
        '  - slug: production',
        '    guardrail: { enforce_zdr_openai: true }',
        '  - slug: research',
        '    name: Research',
        '  - slug: staging',
        '    budgets: { monthly: 10 }',
      ].join('\n'),
    );
    const result = await runOrws(['plan', '-f', file], { env: sandboxEnv(s.baseUrl) });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const staging = s.workspaces().find((w) => w.slug === 'staging')?.id ?? '';
    expect(lines(s.requests).sort()).toEqual(
      [
        'GET /workspaces',
        `GET /guardrails/${guardrailOf(s, 'production')}`,
        `GET /workspaces/${staging}/budgets`,
      ].sort(),
    );
  });

  it('an HTML 404 to the guardrail read (a proxy, not the API) is an error, not a guardrail never written', async () => {
    const s = await demo();
    const html = '<html><body><h1>404 Not Found</h1></body></html>';
    s.faults.add({ method: 'GET', path: '/guardrails/*', status: 404, body: html, times: 0 });
    const { write } = configWriter();
    const file = write(
      [
        'version: 1',
        'workspaces:',
        '  - slug: production',
        '    guardrail: { enforce_zdr_openai: true }',
      ].join('\n'),
    );
    const result = await runOrws(['plan', '-f', file], { env: sandboxEnv(s.baseUrl) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `GET /api/v1/guardrails/${guardrailOf(s, 'production')}: 404 Not Found: "${html}"`,
    );
  });

  it('the workspace listing is ceil(T/100) pages, and unmanaged workspaces cost nothing more', async () => {
    const { seed, resources } = demoState();
    for (let i = 0; i < 200; i++) seed.push({ slug: `extra-${i}`, name: `Extra ${i}` });
    const sandbox = await open({ seed, resources });
    const result = await runOrws(['plan', '-f', EXAMPLE], { env: sandboxEnv(sandbox.baseUrl) });
    expect(result.exitCode).toBe(0);
    const listing = sandbox.requests.filter((r) => r.path === '/workspaces');
    expect(listing).toHaveLength(3); // 204 workspaces
    expect(sandbox.requests).toHaveLength(3 + 5);
  });
});

describe('no perpetual diffs', () => {
  const SAME = [
    'version: 1',
    'workspaces:',
    '  - slug: production',
    '    budgets: { daily: 20, monthly: 300 }',
    '    guardrail:',
    '      allowed_models: [openai/gpt-4o] # the API holds its canonical slug',
    '      enforce_zdr_openai: false',
    '    members: [user_alice, BOB@example.com] # an id and an email (any case)',
  ].join('\n');

  it('a model by slug, a member by id or email: no change', async () => {
    const s = await demo();
    const file = configWriter().write(SAME);
    const result = await runOrws(['plan', '-f', file, '--detailed-exitcode'], {
      env: sandboxEnv(s.baseUrl),
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('No changes.');
    expect(result.exitCode).toBe(0);
  });

  it('sets answered in another order are no change, before and after an apply', async () => {
    const s = await demo({ reorderArrays: true });
    const env = sandboxEnv(s.baseUrl);
    const file = configWriter().write(
      SAME.replace(
        '[openai/gpt-4o]',
        '[openai/gpt-4o, anthropic/claude-sonnet-4, google/gemini-2.5-pro]',
      )
        .replace('[user_alice, BOB@example.com]', '[user_alice, BOB@example.com, erin@example.com]')
        .replace(
          '      enforce_zdr_openai: false',
          '      enforce_zdr_openai: false\n      ignored_providers: [deepinfra, together, azure]',
        ),
    );
    const applied = await runOrws(['apply', '-f', file, '--auto-approve'], { env });
    expect(applied.stdout).not.toContain('did not converge');
    expect(applied.stdout).toContain('2 applied, 0 already applied, 0 failed');
    expect(applied.exitCode).toBe(0);
    const guardrail = s.requests.find((r) => r.method === 'PATCH');
    expect(guardrail?.body).toEqual({
      allowed_models: [
        'anthropic/claude-4-sonnet-20250522',
        'google/gemini-2.5-pro',
        'openai/gpt-4o-2024-05-13',
      ],
      ignored_providers: ['azure', 'deepinfra', 'together'],
    });
    s.clearRequests();
    const again = await runOrws(['plan', '-f', file, '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes.');
    expect(again.exitCode).toBe(0);
    expect(writesOf(s.requests)).toEqual([]);
  });
});

describe('models of every output modality', () => {
  it('a guardrail may name an image model: the catalog is read whole (output_modalities=all), once', async () => {
    const s = await demo();
    const env = sandboxEnv(s.baseUrl);
    const file = configWriter().write(
      [
        'version: 1',
        'workspaces:',
        '  - slug: research',
        '    guardrail: { allowed_models: [openai/dall-e-3, openai/gpt-4o] }',
      ].join('\n'),
    );
    const apply = await runOrws(['apply', '-f', file, '--auto-approve'], { env });
    expect(apply.stderr).toBe('');
    expect(apply.exitCode).toBe(0);
    const catalog = s.requests.filter((r) => r.path === '/models');
    expect(catalog.map((r) => r.query)).toEqual([{ output_modalities: 'all' }]);
    const again = await runOrws(['plan', '-f', file, '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes.');
    expect(again.exitCode).toBe(0);
  });
});

describe('plan-time errors at the entry, before any write', () => {
  const cases: [string, string, RegExp][] = [
    [
      'an email that is no member of the organization',
      '    members: [alice@example.com, zoe@example.com]',
      /members: "zoe@example\.com" is no member of the organization/,
    ],
    [
      'a budget ordering broken against an interval the entry leaves unmanaged',
      '    budgets: { daily: 400 }',
      /the daily budget \(400\) must be less than the monthly budget \(300\); the monthly budget is not in the config/,
    ],
    [
      'an unknown model',
      '    guardrail: { allowed_models: [openai/gpt-4o, acme/no-such-model] }',
      /guardrail\.allowed_models: no model "acme\/no-such-model"/,
    ],
  ];
  for (const [name, line, message] of cases) {
    it(`${name}: plan and apply exit 1 naming FILE:LINE:COL, and nothing is written`, async () => {
      const s = await demo();
      const file = configWriter().write(
        [
          'version: 1',
          'workspaces:',
          '  - slug: research',
          '    name: Research',
          '  - slug: production',
          '    name: Prod2',
          line,
        ].join('\n'),
      );
      const env = sandboxEnv(s.baseUrl);
      const plan = await runOrws(['plan', '-f', file], { env });
      expect(plan.exitCode).toBe(1);
      expect(plan.stderr).toMatch(message);
      expect(plan.stderr).toContain(`${file}:5:5:`);
      const apply = await runOrws(['apply', '-f', file, '--auto-approve'], { env });
      expect(apply.exitCode).toBe(1);
      expect(apply.stderr).toMatch(message);
      expect(writesOf(s.requests)).toEqual([]);
    });
  }
});

describe('export', () => {
  it('writes every part of every workspace (members as emails); export → validate → plan is clean', async () => {
    const s = await demo();
    const { dir } = configWriter();
    const out = join(dir, 'exported.yaml');
    const env = sandboxEnv(s.baseUrl);
    const exported = await runOrws(['export', '--out', out], { env });
    expect(exported.stderr).toContain('Exported 4 workspaces');
    expect(exported.exitCode).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('budgets:');
    expect(text).toContain('guardrail:');
    expect(text).toContain('alice@example.com');
    expect(text).toContain('bob@example.com');
    expect(text).not.toContain('user_alice');
    // Every workspace carries each part, even where the account holds none.
    expect(text.match(/^ {4}budgets:/gm)).toHaveLength(4);
    expect(text.match(/^ {4}guardrail:/gm)).toHaveLength(4);
    expect(text.match(/^ {4}members:/gm)).toHaveLength(4);
    const validate = await runOrws(['validate', '-f', out], { env: {} });
    expect(validate.exitCode).toBe(0);
    s.clearRequests();
    const plan = await runOrws(['plan', '-f', out, '--detailed-exitcode'], { env });
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toContain('No changes.');
    expect(plan.exitCode).toBe(0);
    expect(writesOf(s.requests)).toEqual([]);
  });

  it('--kinds workspace,budgets narrows it, and reads nothing of the other parts', async () => {
    const s = await demo();
    const exported = await runOrws(['export', '--kinds', 'workspace,budgets'], {
      env: sandboxEnv(s.baseUrl),
    });
    expect(exported.exitCode).toBe(0);
    expect(exported.stdout).toContain('budgets:');
    expect(exported.stdout).not.toContain('guardrail:');
    expect(exported.stdout).not.toContain('members:');
    expect(
      s.requests.filter((r) => /guardrails|members|models/.test(r.path)).map((r) => r.path),
    ).toEqual([]);
  });
});

describe('a guardrail not yet materialized', () => {
  it('plans its fields null → values, is materialized by the PATCH, and re-plans clean', async () => {
    const s = await demo();
    const env = sandboxEnv(s.baseUrl);
    const file = configWriter().write(
      [
        'version: 1',
        'workspaces:',
        '  - slug: research',
        '    guardrail:',
        '      enforce_zdr_google: true',
        '      allowed_providers: [openai, anthropic]',
      ].join('\n'),
    );
    const id = guardrailOf(s, 'research');
    const before = await fetch(`${s.baseUrl}/guardrails/${id}`, {
      headers: { authorization: 'Bearer k' },
    });
    expect(before.status).toBe(404);
    const plan = await runOrws(['plan', '-f', file], { env });
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain('~ enforce_zdr_google: null → true');
    expect(plan.stdout).toMatch(/~ allowed_providers: null → \["anthropic","openai"\]/);
    s.clearRequests();
    const apply = await runOrws(['apply', '-f', file, '--auto-approve'], { env });
    expect(apply.exitCode).toBe(0);
    expect(writesOf(s.requests).map((r) => [r.method, r.path, r.body])).toEqual([
      [
        'PATCH',
        `/guardrails/${id}`,
        { enforce_zdr_google: true, allowed_providers: ['anthropic', 'openai'] },
      ],
    ]);
    const again = await runOrws(['plan', '-f', file, '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes.');
    expect(again.exitCode).toBe(0);
  });
});

describe('many requests waiting for a slot', () => {
  it('print no MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(`${warning.name}: ${warning.message}`);
    };
    process.on('warning', onWarning);
    try {
      const seed = Array.from({ length: 60 }, (_, i) => ({ slug: `w-${i}`, name: `W ${i}` }));
      const s = await startSandbox({ seed, latencyMs: 5 });
      try {
        const file = configWriter().write(
          `version: 1\nworkspaces:\n${seed.map((w) => `  - slug: ${w.slug}\n    budgets: { monthly: 10 }\n`).join('')}`,
        );
        const result = await runOrws(['plan', '-f', file, '--concurrency', '2'], {
          env: sandboxEnv(s.baseUrl),
        });
        expect(result.exitCode).toBe(0);
        expect(s.requests.filter((r) => r.path.endsWith('/budgets'))).toHaveLength(60);
      } finally {
        await s.close();
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
