/**
 * The README's library example, exactly as the README shows it (readme.test.ts checks that):
 * pack.test.ts runs it in a project that installed the packed tarball. Change both together.
 */
export const DRIFT_ALERT = String.raw`// drift-alert.mjs: tell a chat channel when OpenRouter no longer matches workspaces.yaml.
import { computePlan, createClient, DEFAULT_BASE_URL, hasDrift, loadConfig, readCurrent,
  readManagementKey, renderPlan } from 'orws';

const desired = await loadConfig('workspaces.yaml');
const client = createClient({
  baseUrl: process.env.OPENROUTER_BASE_URL ?? DEFAULT_BASE_URL,
  apiKey: readManagementKey(process.env),
});
const current = await readCurrent(client, desired); // the workspaces, and the parts the config manages
const plan = computePlan({ desired, current, baseUrl: client.baseUrl });
if (hasDrift(plan)) {
  await fetch(process.env.SLACK_WEBHOOK_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'OpenRouter workspaces drifted:\n' + renderPlan(plan, { format: 'text' }) }),
  });
  process.exitCode = 2; // like orws plan --detailed-exitcode
}
`;
