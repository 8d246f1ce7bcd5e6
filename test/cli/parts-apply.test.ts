import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { hostileServer, sendJson } from '../api/hostile-server.js';
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

function idOf(s: Sandbox, slug: string): string {
  const found = s.workspaces().find((w) => w.slug === slug);
  if (found === undefined) throw new Error(`no workspace ${slug}`);
  return found.id;
}

/** A request to the sandbox as another tool (or person) would send it, outside orws. */
async function outside(s: Sandbox, method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${s.baseUrl}${path}`, {
    method,
    headers: { authorization: 'Bearer someone-else', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
}

describe('apply sends the minimal writes', () => {
  it('the demo: one PUT per differing interval, one guardrail PATCH of the differing fields, member adds and removes, no DELETE', async () => {
    const s = await demo();
    const result = await runOrws(['apply', '-f', EXAMPLE, '--auto-approve'], {
      env: sandboxEnv(s.baseUrl),
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const created = idOf(s, 'data-science');
    const writes = writesOf(s.requests).map((r) => [r.method, r.path, r.body]);
    const byPath = (path: string) => writes.filter(([, p]) => p === path);
    expect(writes).toHaveLength(10);
    expect(byPath(`/workspaces/${PROD_ID}/budgets/monthly`)).toEqual([
      [
        'PUT',
        `/workspaces/${PROD_ID}/budgets/monthly`,
        { limit_usd: 500, include_byok_in_budgets: true },
      ],
    ]);
    expect(byPath(`/workspaces/${PROD_ID}/budgets/daily`)).toEqual([
      ['PUT', `/workspaces/${PROD_ID}/budgets/daily`, { limit_usd: 25 }],
    ]);
    expect(byPath(`/guardrails/${guardrailOf(s, 'production')}`)).toEqual([
      [
        'PATCH',
        `/guardrails/${guardrailOf(s, 'production')}`,
        {
          allowed_models: ['anthropic/claude-4-sonnet-20250522', 'openai/gpt-4o-2024-05-13'],
          ignored_providers: ['deepinfra'],
          enforce_zdr_openai: true,
          content_filter_builtins: [{ slug: 'regex-prompt-injection', action: 'block' }],
        },
      ],
    ]);
    expect(byPath(`/workspaces/${PROD_ID}/members/add`)).toEqual([
      ['POST', `/workspaces/${PROD_ID}/members/add`, { user_ids: ['user_erin'] }],
    ]);
    expect(byPath(`/workspaces/${PROD_ID}/members/remove`)).toEqual([
      ['POST', `/workspaces/${PROD_ID}/members/remove`, { user_ids: ['user_bob'] }],
    ]);
    expect(byPath(`/workspaces/${created}/budgets/monthly`)).toEqual([
      ['PUT', `/workspaces/${created}/budgets/monthly`, { limit_usd: 200 }],
    ]);
    expect(byPath(`/workspaces/${created}/members/add`)).toEqual([
      ['POST', `/workspaces/${created}/members/add`, { user_ids: ['user_alice', 'user_bob'] }],
    ]);
    expect(writes.filter(([method]) => method === 'DELETE')).toEqual([]);
  });

  it('--auto-approve re-reads nothing: the demo apply sends exactly the request floor', async () => {
    const s = await demo();
    const result = await runOrws(['apply', '-f', EXAMPLE, '--auto-approve'], {
      env: sandboxEnv(s.baseUrl),
    });
    expect(result.exitCode).toBe(0);
    const prod = `/workspaces/${PROD_ID}`;
    const created = `/workspaces/${idOf(s, 'data-science')}`;
    const guardrail = `/guardrails/${guardrailOf(s, 'production')}`;
    // The plan's reads (the listing, the catalog for the guardrail's models, the organization's
    // members for the emails, production's parts), the writes, and the read-back of each
    // budgets and members write. No GET of a workspace or a part before the writes, as a
    // confirmed or saved plan would send.
    expect(lines(s.requests).sort()).toEqual(
      [
        'GET /workspaces',
        'GET /models',
        'GET /organization/members',
        `GET ${guardrail}`,
        `GET ${prod}/budgets`,
        `GET ${prod}/members`,
        'POST /workspaces',
        `PATCH ${prod}`,
        `PATCH /workspaces/${idOf(s, 'staging-eu')}`,
        `PUT ${prod}/budgets/monthly`,
        `PUT ${prod}/budgets/daily`,
        `GET ${prod}/budgets`,
        `PATCH ${guardrail}`,
        `POST ${prod}/members/add`,
        `POST ${prod}/members/remove`,
        `GET ${prod}/members`,
        `PUT ${created}/budgets/monthly`,
        `GET ${created}/budgets`,
        `POST ${created}/members/add`,
        `GET ${created}/members`,
      ].sort(),
    );
  });

  it('one DELETE per interval set to null that exists, none for one that does not; DELETE only of budgets', async () => {
    const { seed, resources } = demoState();
    resources.budgets = [
      ...(resources.budgets ?? []),
      { workspace_id: PROD_ID, reset_interval: null, limit_usd: 1000 },
    ];
    const sandbox = await open({ seed, resources });
    const file = configWriter().write(
      [
        'version: 1',
        'workspaces:',
        '  - slug: production',
        '    budgets: { lifetime: null, weekly: null, monthly: 300, daily: 20 }',
        '    guardrail: { allowed_models: null, enforce_zdr_openai: null }',
        '    members: []',
      ].join('\n'),
    );
    const result = await runOrws(['apply', '-f', file, '--auto-approve'], {
      env: sandboxEnv(sandbox.baseUrl),
    });
    expect(result.exitCode).toBe(0);
    const writes = writesOf(sandbox.requests);
    expect(writes.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      `/workspaces/${PROD_ID}/budgets/lifetime`,
    ]);
    expect(lines(writes)).not.toContain(`PUT /workspaces/${PROD_ID}/budgets/monthly`);
    expect(lines(writes)).not.toContain(`DELETE /workspaces/${PROD_ID}/budgets/weekly`);
    // Nulling the guardrail's fields and emptying the members is a PATCH and a remove, never a DELETE.
    expect(writes.map((r) => [r.method, r.body])).toEqual(
      expect.arrayContaining([
        ['PATCH', { allowed_models: null, enforce_zdr_openai: null }],
        ['POST', { user_ids: ['user_alice', 'user_bob'] }],
      ]),
    );
    expect(writes).toHaveLength(3);
  });

  it('150 members to add go in 2 calls of at most 100', async () => {
    const { seed, resources } = demoState();
    const people = Array.from({ length: 150 }, (_, i) => ({
      id: `user_n${String(i).padStart(3, '0')}`,
      email: `n${i}@example.com`,
    }));
    resources.organization_members = [...(resources.organization_members ?? []), ...people];
    const sandbox = await open({ seed, resources });
    const file = configWriter().write(
      [
        'version: 1',
        'workspaces:',
        '  - slug: research',
        `    members: [${people.map((p) => p.email).join(', ')}]`,
      ].join('\n'),
    );
    const env = sandboxEnv(sandbox.baseUrl);
    const result = await runOrws(['apply', '-f', file, '--auto-approve'], { env });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const calls = writesOf(sandbox.requests);
    expect(lines(calls)).toEqual([
      `POST /workspaces/${idOf(sandbox, 'research')}/members/add`,
      `POST /workspaces/${idOf(sandbox, 'research')}/members/add`,
    ]);
    const sizes = calls.map((r) => (r.body as { user_ids: string[] }).user_ids.length);
    expect(sizes).toEqual([100, 50]);
    const sent = calls.flatMap((r) => (r.body as { user_ids: string[] }).user_ids).sort();
    expect(sent).toEqual(people.map((p) => p.id));
    sandbox.clearRequests();
    const again = await runOrws(['plan', '-f', file, '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes.');
    expect(again.exitCode).toBe(0);
    // 150 members and 155 people of the organization: two pages each, and one listing.
    expect(lines(sandbox.requests).sort()).toEqual(
      [
        'GET /workspaces',
        `GET /workspaces/${idOf(sandbox, 'research')}/members`,
        `GET /workspaces/${idOf(sandbox, 'research')}/members`,
        'GET /organization/members',
        'GET /organization/members',
      ].sort(),
    );
  });
});

/**
 * A server in front of `target` whose budgets answers leave out `include_byok_in_budgets`,
 * which the API document does not require there; its workspace answers keep it.
 */
async function withoutBudgetsFlag(target: Sandbox): Promise<string> {
  const origin = new URL(target.baseUrl).origin;
  const proxy = await hostileServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      void (async () => {
        const upstream = await fetch(`${origin}${req.url ?? '/'}`, {
          method: req.method ?? 'GET',
          headers: {
            authorization: req.headers.authorization ?? '',
            'content-type': 'application/json',
          },
          ...(body === '' ? {} : { body }),
        });
        const text = await upstream.text();
        if (text === '') {
          res.writeHead(upstream.status).end();
          return;
        }
        const value = JSON.parse(text) as Record<string, unknown>;
        if (/\/budgets(\/|\?|$)/.test(req.url ?? '')) {
          Reflect.deleteProperty(value, 'include_byok_in_budgets');
        }
        sendJson(res, upstream.status, value);
      })();
    });
  });
  return proxy.baseUrl;
}

describe('a server whose budgets answers leave out the optional BYOK flag', () => {
  it('reads the flag from the workspace: no perpetual diff, and a change of it converges', async () => {
    const { seed, resources } = demoState();
    const sandbox = await open({
      seed: seed.map((w) =>
        w.slug === 'production' ? { ...w, include_byok_in_budgets: true } : w,
      ),
      resources,
    });
    const env = sandboxEnv(await withoutBudgetsFlag(sandbox));
    const config = configWriter();
    const budgets = (flag: boolean): string =>
      config.write(
        [
          'version: 1',
          'workspaces:',
          '  - slug: production',
          `    budgets: { monthly: 300, include_byok: ${String(flag)} }`,
        ].join('\n'),
      );

    const workspaceReads = (): number =>
      sandbox.requests.filter((r) => r.method === 'GET' && r.path === `/workspaces/${PROD_ID}`)
        .length;

    const same = await runOrws(['plan', '-f', budgets(true), '--detailed-exitcode'], { env });
    expect(same.stdout).toContain('No changes.');
    expect(same.exitCode).toBe(0);
    // The listing the plan just made carries the flag: the workspace is not read again.
    expect(workspaceReads()).toBe(0);

    const apply = await runOrws(['apply', '-f', budgets(false), '--auto-approve'], { env });
    expect(apply.stdout).toContain('include_byok: true → false');
    expect(apply.stdout).toContain('Apply complete: 1 applied');
    expect(apply.exitCode).toBe(0);
    // After the write, the listing no longer tells the flag: one read of the workspace.
    expect(workspaceReads()).toBe(1);
    expect(sandbox.workspaces().find((w) => w.slug === 'production')).toMatchObject({
      include_byok_in_budgets: false,
    });

    const again = await runOrws(['plan', '-f', budgets(false), '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes.');
    expect(again.exitCode).toBe(0);
  });
});

describe('a workspace created in the same apply', () => {
  it('gets its budgets, guardrail and members after its POST, in the same run; re-plan is clean', async () => {
    const s = await demo();
    const file = configWriter().write(
      [
        'version: 1',
        'workspaces:',
        '  - slug: fresh',
        '    name: Fresh',
        '    budgets: { monthly: 50, daily: 5 }',
        '    guardrail: { enforce_zdr_google: true, allowed_models: [openai/gpt-4o] }',
        '    members: [erin@example.com]',
      ].join('\n'),
    );
    const env = sandboxEnv(s.baseUrl);
    const result = await runOrws(['apply', '-f', file, '--auto-approve'], { env });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('4 applied, 0 already applied, 0 failed');
    expect(result.exitCode).toBe(0);
    const id = idOf(s, 'fresh');
    const writes = lines(writesOf(s.requests));
    expect(writes[0]).toBe('POST /workspaces');
    expect(writes.slice(1).sort()).toEqual(
      [
        `PUT /workspaces/${id}/budgets/monthly`,
        `PUT /workspaces/${id}/budgets/daily`,
        `PATCH /guardrails/${guardrailOf(s, 'fresh')}`,
        `POST /workspaces/${id}/members/add`,
      ].sort(),
    );
    const again = await runOrws(['plan', '-f', file, '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes.');
    expect(again.exitCode).toBe(0);
  });
});

describe('saved plans', () => {
  const drifts: [string, (s: Sandbox) => Promise<void>, RegExp][] = [
    [
      'a budget',
      (s) => outside(s, 'PUT', `/workspaces/${PROD_ID}/budgets/monthly`, { limit_usd: 400 }),
      /workspace "production" \([0-9a-f-]+\) budgets: monthly was 300 when planned, now 400/,
    ],
    [
      'a guardrail field',
      (s) =>
        outside(s, 'PATCH', `/guardrails/${guardrailOf(s, 'production')}`, {
          enforce_zdr_openai: null,
        }),
      /workspace "production" \([0-9a-f-]+\) guardrail: enforce_zdr_openai was false when planned, now null/,
    ],
    [
      'a member',
      (s) => outside(s, 'POST', `/workspaces/${PROD_ID}/members/add`, { user_ids: ['user_carol'] }),
      /workspace "production" \([0-9a-f-]+\) members: members was \[.*\] when planned, now \[.*user_carol.*\]/,
    ],
  ];
  for (const [name, drift, message] of drifts) {
    it(`a change to ${name} outside orws: apply PLANFILE refuses, naming workspace, part and value; no write`, async () => {
      const s = await demo();
      const { dir } = configWriter();
      const planFile = join(dir, 'plan.json');
      const env = sandboxEnv(s.baseUrl);
      const plan = await runOrws(['plan', '-f', EXAMPLE, '--out', planFile], { env });
      expect(plan.exitCode).toBe(0);
      await drift(s);
      s.clearRequests();
      const apply = await runOrws(['apply', planFile], { env });
      expect(apply.exitCode).toBe(1);
      expect(apply.stderr).toMatch(message);
      expect(writesOf(s.requests)).toEqual([]);
    });
  }

  it('a plan applied twice is a no-op the second time: every change already applied, zero writes', async () => {
    const s = await demo();
    const { dir } = configWriter();
    const planFile = join(dir, 'plan.json');
    const env = sandboxEnv(s.baseUrl);
    expect((await runOrws(['plan', '-f', EXAMPLE, '--out', planFile], { env })).exitCode).toBe(0);
    const first = await runOrws(['apply', planFile], { env });
    expect(first.stdout).toContain('8 applied, 0 already applied, 0 failed');
    expect(first.exitCode).toBe(0);
    s.clearRequests();
    const second = await runOrws(['apply', planFile], { env });
    expect(second.stderr).toBe('');
    expect(second.stdout).toContain('0 applied, 8 already applied, 0 failed');
    expect(second.exitCode).toBe(0);
    expect(writesOf(s.requests)).toEqual([]);
  });
});

describe('partial failure of one part', () => {
  it('a refused member removal fails that change with the reason, leaves the rest applied, reports the adds that took; exit 1; converges once the config stops asking', async () => {
    const { seed, resources } = demoState();
    resources.workspace_members = [
      ...(resources.workspace_members ?? []),
      { workspace_id: PROD_ID, user_id: 'user_carol' },
    ];
    const s = await open({ seed, resources });
    const env = sandboxEnv(s.baseUrl);
    const { write } = configWriter();
    const config = (members: string) =>
      write(
        [
          'version: 1',
          'workspaces:',
          '  - slug: production',
          '    budgets: { monthly: 500 }',
          `    members: [${members}]`,
        ].join('\n'),
      );
    const result = await runOrws(
      [
        'apply',
        '-f',
        config('alice@example.com, erin@example.com'),
        '--auto-approve',
        '--format',
        'json',
      ],
      { env },
    );
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as {
      results: { kind: string; status: string; error?: string }[];
    };
    const byKind = new Map(report.results.map((r) => [r.kind, r]));
    expect(byKind.get('budgets')?.status).toBe('applied');
    const members = byKind.get('members');
    expect(members?.status).toBe('failed');
    expect(members?.error).toContain('has active API keys in the workspace');
    // The add went through before the refused removal: the re-read says so.
    expect(members?.error).toMatch(/applied in part: members is \[.*user_erin.*\]/);
    const now = await fetch(`${s.baseUrl}/workspaces/${PROD_ID}/members`, {
      headers: { authorization: 'Bearer k' },
    });
    const ids = ((await now.json()) as { data: { user_id: string }[] }).data.map((m) => m.user_id);
    expect(ids.sort()).toEqual(['user_alice', 'user_bob', 'user_carol', 'user_erin']);
    expect(
      writesOf(s.requests).find((r) => r.path === `/workspaces/${PROD_ID}/budgets/monthly`)?.status,
    ).toBe(200);

    const keep = config('alice@example.com, erin@example.com, carol@example.com');
    const rerun = await runOrws(['apply', '-f', keep, '--auto-approve'], { env });
    expect(rerun.stderr).toBe('');
    expect(rerun.exitCode).toBe(0);
    const clean = await runOrws(['plan', '-f', keep, '--detailed-exitcode'], { env });
    expect(clean.stdout).toContain('No changes.');
    expect(clean.exitCode).toBe(0);
  });
});

describe('apply concurrency', () => {
  it('10 workspace changes at --concurrency 4 have more than 1 and at most 4 writes in flight', async () => {
    const seed = Array.from({ length: 10 }, (_, i) => ({ slug: `w-${i}`, name: `W ${i}` }));
    const sandbox = await open({ seed, latencyMs: 60 });
    const file = configWriter().write(
      [
        'version: 1',
        'workspaces:',
        ...seed.flatMap((w) => [`  - slug: ${w.slug}`, `    name: ${w.name} renamed`]),
      ].join('\n'),
    );
    const result = await runOrws(
      ['apply', '-f', file, '--auto-approve', '--force', '--concurrency', '4'],
      {
        env: sandboxEnv(sandbox.baseUrl),
      },
    );
    expect(result.exitCode).toBe(0);
    const writes = writesOf(sandbox.requests);
    expect(writes).toHaveLength(10);
    const most = Math.max(...writes.map((r) => r.inFlight));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
  });
});
