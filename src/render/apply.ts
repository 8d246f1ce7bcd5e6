import type { ApplyReport, WorkspaceResult } from '../apply/apply.js';
import { createStyle } from './style.js';

/** One line for one workspace, printed as soon as its result is known. */
export function renderResultLine(result: WorkspaceResult, color: boolean): string {
  const style = createStyle(color);
  const name = result.id === undefined ? `"${result.slug}"` : `"${result.slug}" (${result.id})`;
  const fields = Object.keys(result.body).join(', ');
  switch (result.status) {
    case 'applied':
      return result.action === 'create'
        ? style.green(`+ workspace ${name}: created`) + ` [${fields}]`
        : style.yellow(`~ workspace ${name}: updated`) + ` [${fields}]`;
    case 'already-applied':
      return style.dim(`= workspace ${name}: already applied, skipped`);
    case 'failed':
      return style.red(`! workspace ${name}: failed: ${result.error ?? 'unknown error'}`);
    case 'not-attempted':
      return style.dim(
        `- workspace ${name}: not attempted${result.error === undefined ? '' : ` (${result.error})`}`,
      );
  }
}

/**
 * The closing account of an apply: the counts, then every workspace that failed (with the
 * reason) and every one not attempted, so a partial apply says exactly what did not happen.
 */
export function renderApplySummary(report: ApplyReport, color: boolean): string {
  const style = createStyle(color);
  const { applied, already_applied, failed, not_attempted } = report.summary;
  const lines: string[] = [];
  if (report.interrupted)
    lines.push(style.red('Interrupted: no new request was sent after the signal.'));
  const counts = `${applied} applied, ${already_applied} already applied, ${failed} failed, ${not_attempted} not attempted.`;
  lines.push(
    failed + not_attempted > 0
      ? style.red(`Apply incomplete: ${counts}`)
      : style.green(`Apply complete: ${counts}`),
  );
  const failedResults = report.results.filter((r) => r.status === 'failed');
  if (failedResults.length > 0) {
    lines.push('Failed (not changed):');
    for (const r of failedResults)
      lines.push(`  ${r.slug}${r.id === undefined ? '' : ` (${r.id})`}: ${r.error ?? ''}`);
  }
  const skipped = report.results.filter((r) => r.status === 'not-attempted');
  if (skipped.length > 0) {
    lines.push('Not attempted (not changed):');
    for (const r of skipped) lines.push(`  ${r.slug}${r.id === undefined ? '' : ` (${r.id})`}`);
  }
  if (failed + not_attempted > 0)
    lines.push('Run apply again to converge: the changes already applied will show no difference.');
  return lines.join('\n') + '\n';
}

/** The apply result document (`apply --format json`) for CI to archive. */
export function renderApplyJson(
  report: ApplyReport,
  meta: { toolVersion: string; baseUrl: string },
): string {
  return (
    JSON.stringify(
      {
        format_version: 1,
        tool_version: meta.toolVersion,
        base_url: meta.baseUrl,
        interrupted: report.interrupted,
        results: report.results,
        summary: report.summary,
      },
      null,
      2,
    ) + '\n'
  );
}
