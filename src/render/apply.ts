import type { ApplyReport, ChangeResult } from '../apply/apply.js';
import { createStyle } from './style.js';
import { countOf } from './text.js';
import { cutText } from '../safe-text.js';
import { describeChange, MISSING_ADVICE, showText } from './values.js';

/** The most characters of a reason shown on a result line or in the account. */
const REASON_MAX = 1000;

/** A reason, escaped and cut: it may quote the server. */
function showReason(text: string): string {
  return showText(cutText(text, REASON_MAX));
}

/** One line for one change, printed as soon as its result is known. */
export function renderResultLine(result: ChangeResult, color: boolean): string {
  const style = createStyle(color);
  const name = describeChange(result);
  const note = result.error === undefined ? '' : ` (${showReason(result.error)})`;
  switch (result.status) {
    case 'applied': {
      if (result.action === 'create') {
        const verb = result.kind === 'workspace' ? 'created' : 'set';
        return (
          style.green(`+ ${name}: ${verb}`) + ` (${countOf(result.fields.length, 'field')})${note}`
        );
      }
      return style.yellow(`~ ${name}: updated`) + ` [${result.fields.join(', ')}]${note}`;
    }
    case 'already-applied':
      return style.dim(`= ${name}: already applied, skipped`);
    case 'failed':
      return style.red(`! ${name}: failed: ${showReason(result.error ?? 'unknown error')}`);
    case 'unknown':
      return style.red(`? ${name}: ${showReason(result.error ?? 'outcome unknown: run plan')}`);
    case 'missing':
      return style.red(`! ${name}: ${showReason(result.error ?? 'missing')}`);
    case 'not-attempted':
      return style.dim(`- ${name}: not attempted${note}`);
  }
}

/**
 * The closing account of an apply: the counts, then every change that failed (with the reason
 * and whether it took in part), whose outcome is unknown, that is missing, and that was not
 * attempted, so a partial apply says exactly what did and did not happen.
 */
export function renderApplySummary(report: ApplyReport, color: boolean): string {
  const style = createStyle(color);
  const { applied, already_applied, failed, unknown, missing, not_attempted } = report.summary;
  const lines: string[] = [];
  if (report.interrupted) {
    lines.push(
      style.red(
        'Interrupted: no new request was sent after the signal; requests in flight were aborted.',
      ),
    );
  }
  const counts = [
    `${applied} applied`,
    `${already_applied} already applied`,
    `${failed} failed`,
    ...(unknown > 0 ? [`${unknown} unknown`] : []),
    ...(missing > 0 ? [`${missing} missing`] : []),
    `${not_attempted} not attempted`,
  ].join(', ');
  const incomplete = failed + unknown + missing + not_attempted > 0;
  lines.push(
    incomplete
      ? style.red(`Apply incomplete: ${counts}.`)
      : style.green(`Apply complete: ${counts}.`),
  );
  const section = (title: string, status: ChangeResult['status'], withError: boolean): void => {
    const matching = report.results.filter((r) => r.status === status);
    if (matching.length === 0) return;
    lines.push(title);
    for (const r of matching) {
      lines.push(
        `  ${describeChange(r)}${withError && r.error !== undefined ? `: ${showReason(r.error)}` : ''}`,
      );
    }
  };
  section('Failed (as read from the answer or a re-read):', 'failed', true);
  section('Outcome unknown (run plan to see what is true):', 'unknown', true);
  section('Missing (deleted outside orws; not recreated):', 'missing', false);
  section('Not attempted (not changed):', 'not-attempted', false);
  const retryable = report.results.some(
    (r) =>
      r.status === 'unknown' ||
      r.status === 'not-attempted' ||
      (r.status === 'failed' && r.retryable !== false),
  );
  const refused = report.results.some((r) => r.status === 'failed' && r.retryable === false);
  if (refused)
    lines.push(
      'Some changes cannot succeed as the config stands: change it as each reason says; applying again cannot help.',
    );
  if (missing > 0) lines.push(`For a missing workspace: ${MISSING_ADVICE}.`);
  if (retryable)
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
        format_version: 2,
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
