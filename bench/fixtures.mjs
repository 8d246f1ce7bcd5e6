// The benchmark's workload, generated the same way by the bench (the YAML config) and by the
// sandbox process (the remote state), so that neither has to ship the other 10,000 objects.
//
// Workspace i (1-based) has slug ws-00001…, a name, a description and a default text model;
// every 100th one (i % 100 === 0, so exactly T/100 of T) has drifted: its remote description
// differs from the config's, which a plan shows as one update and an apply fixes with one PATCH.

/** One workspace in a hundred has drifted. */
export const DRIFT_EVERY = 100;

/** The remote description of a drifted workspace. */
export const DRIFTED_DESCRIPTION = 'changed out of band';

const pad = (i) => String(i).padStart(5, '0');

/** A fixed, valid UUID v4 per index, so a run is reproducible and ids need not be shipped. */
export function workspaceId(i) {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

/** Whether workspace i is one of the drifted 1%. */
export function isDrifted(i) {
  return i % DRIFT_EVERY === 0;
}

/** The fields the config manages for workspace i (its desired state). */
export function desiredFields(i) {
  return {
    slug: `ws-${pad(i)}`,
    name: `Workspace ${pad(i)}`,
    description: `Benchmark workspace number ${i}`,
    default_text_model: i % 2 === 0 ? 'openai/gpt-4o' : 'anthropic/claude-sonnet-4',
  };
}

/** The sandbox's seed: the desired state, with the 1% drifted. */
export function remoteSeed(count) {
  const seed = [];
  for (let i = 1; i <= count; i += 1) {
    const fields = { id: workspaceId(i), ...desiredFields(i) };
    if (isDrifted(i)) fields.description = DRIFTED_DESCRIPTION;
    seed.push(fields);
  }
  return seed;
}

/** The indices of the drifted workspaces. */
export function driftedIndices(count) {
  const indices = [];
  for (let i = DRIFT_EVERY; i <= count; i += DRIFT_EVERY) indices.push(i);
  return indices;
}

/** The lines of workspace i's config entry: its slug and the fields the config manages. */
function entryLines(i) {
  const f = desiredFields(i);
  return [
    `  - slug: ${f.slug}`,
    `    name: ${f.name}`,
    `    description: ${f.description}`,
    `    default_text_model: ${f.default_text_model}`,
  ];
}

/** The config file that manages all `count` workspaces (by slug, as most configs do). */
export function configYaml(count) {
  const lines = ['version: 1', 'workspaces:'];
  for (let i = 1; i <= count; i += 1) {
    lines.push(...entryLines(i));
  }
  return lines.join('\n') + '\n';
}

// The parts workload: every workspace also manages its budgets and its default guardrail. The
// guardrail names models, so a plan reads the model catalog (GET /models) once. Remotely, every
// monthly budget is lower than the config's (so a plan shows T budget changes and an apply sends
// T PUTs), while the daily budget and the guardrail already match.

/** The daily budget every workspace has, remote and desired. */
export const DAILY_LIMIT_USD = 20;

/** The monthly budget the config wants for workspace i. */
export function desiredMonthly(i) {
  return 500 + (i % 7);
}

/** The monthly budget the sandbox starts with for workspace i: lower than desired. */
export function remoteMonthly(i) {
  return 400 + (i % 7);
}

/** The guardrail every workspace manages: models by slug (the API stores canonical slugs). */
export const GUARDRAIL = {
  allowed_models: ['openai/gpt-4o', 'anthropic/claude-sonnet-4'],
  ignored_providers: ['deepinfra'],
  enforce_zdr_openai: true,
};

/** The sandbox's seed of the parts workload: undrifted workspaces, their budgets and guardrails. */
export function partsSeed(count) {
  const workspaces = [];
  const budgets = [];
  const guardrails = [];
  for (let i = 1; i <= count; i += 1) {
    const id = workspaceId(i);
    workspaces.push({ id, ...desiredFields(i) });
    budgets.push(
      { workspace_id: id, interval: 'monthly', limit_usd: remoteMonthly(i) },
      { workspace_id: id, interval: 'daily', limit_usd: DAILY_LIMIT_USD },
    );
    guardrails.push({
      workspace_id: id,
      allowed_models: [...GUARDRAIL.allowed_models],
      ignored_providers: [...GUARDRAIL.ignored_providers],
      enforce_zdr_openai: GUARDRAIL.enforce_zdr_openai,
    });
  }
  return { workspaces, resources: { budgets, guardrails } };
}

/** The config of the parts workload: every entry manages its fields, budgets and guardrail. */
export function partsConfigYaml(count) {
  const lines = ['version: 1', 'workspaces:'];
  const models = `[${GUARDRAIL.allowed_models.join(', ')}]`;
  const providers = `[${GUARDRAIL.ignored_providers.join(', ')}]`;
  for (let i = 1; i <= count; i += 1) {
    lines.push(
      ...entryLines(i),
      '    budgets:',
      `      monthly: ${String(desiredMonthly(i))}`,
      `      daily: ${String(DAILY_LIMIT_USD)}`,
      '    guardrail:',
      `      allowed_models: ${models}`,
      `      ignored_providers: ${providers}`,
      `      enforce_zdr_openai: ${String(GUARDRAIL.enforce_zdr_openai)}`,
    );
  }
  return lines.join('\n') + '\n';
}
