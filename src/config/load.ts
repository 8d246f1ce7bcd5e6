/**
 * Reads the config from disk: one file, or every `*.yaml`/`*.yml` file of a directory,
 * merged. The only module of src/config that touches the file system.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { findDuplicateIdentities, type EntryIdentity } from './duplicates.js';
import { describeTooLarge, MAX_CONFIG_BYTES, parseConfigFile, sortIssues } from './parse.js';
import type { DesiredState, DesiredWorkspace, UnmanagedPolicy } from './types.js';

/** The config `orws` reads when `-f` is not given, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = 'workspaces.yaml';

/** How {@link loadConfig} was asked to read. */
export interface LoadConfigOptions {
  /**
   * The path is the default rather than one the user named, so a missing file is
   * explained with a hint about `-f`. Default: whether the path is {@link DEFAULT_CONFIG_PATH}.
   */
  isDefault?: boolean;
}

/**
 * Reads the desired state from `path`: a file, or a directory whose `*.yaml` and `*.yml`
 * files (directly in it, not hidden, extension in any case, sorted by name) are merged into
 * one list in that order; every other entry of the directory is named in `skipped`. Each
 * file's `defaults` apply to that file's entries only. Slugs and ids must be unique across
 * all files. `unmanaged` is `forbid` when any file says so: one file forbidding is enough,
 * since allowing is the absence of a rule.
 *
 * Every file's size is checked before it is read: over {@link MAX_CONFIG_BYTES} it is
 * refused unread.
 *
 * @throws ConfigError with every issue of every file, sorted by file, line and column,
 *   if anything is wrong, including a path that does not exist or a directory with no
 *   config file. Nothing is returned from a config with any issue.
 */
export async function loadConfig(
  path: string,
  options: LoadConfigOptions = {},
): Promise<DesiredState> {
  const isDefault = options.isDefault ?? path === DEFAULT_CONFIG_PATH;
  const listing = await listConfigFiles(path, isDefault);
  const issues: ConfigIssue[] = [...listing.issues];
  const workspaces: DesiredWorkspace[] = [];
  const identities: EntryIdentity[] = [];
  let unmanaged: UnmanagedPolicy = 'allow';
  for (const file of listing.files) {
    const read = await readConfigFile(file, isDefault && file === path);
    if (typeof read !== 'string') {
      issues.push(read);
      continue;
    }
    const parsed = parseConfigFile(read, file);
    issues.push(...parsed.issues);
    if (parsed.unmanaged === 'forbid') unmanaged = 'forbid';
    workspaces.push(...parsed.workspaces);
    identities.push(...parsed.identities);
  }
  issues.push(...findDuplicateIdentities(identities));
  if (issues.length > 0) throw new ConfigError(sortIssues(issues, listing.files));
  const state: DesiredState = { files: listing.files, workspaces, unmanaged };
  if (listing.skipped.length > 0) state.skipped = listing.skipped;
  return state;
}

/** Whether a directory entry is a config file by its name: `.yaml`/`.yml` in any case, not hidden. */
function isConfigName(name: string): boolean {
  const lower = name.toLowerCase();
  return !name.startsWith('.') && (lower.endsWith('.yaml') || lower.endsWith('.yml'));
}

/** The files `path` names, or the issue that makes it unusable. */
async function listConfigFiles(
  path: string,
  isDefault: boolean,
): Promise<{ files: string[]; skipped: string[]; issues: ConfigIssue[] }> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    return { files: [], skipped: [], issues: [issueForFsError(path, error, isDefault)] };
  }
  if (!info.isDirectory()) return { files: [path], skipped: [], issues: [] };

  const read: string[] = [];
  const skipped: string[] = [];
  try {
    const entries = await readdir(path, { withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isDirectory() && isConfigName(entry.name)) read.push(entry.name);
      else skipped.push(entry.name);
    }
  } catch (error) {
    return { files: [], skipped: [], issues: [issueForFsError(path, error, false)] };
  }
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const files = read.sort(byName).map((name) => join(path, name));
  const skippedPaths = skipped.sort(byName).map((name) => join(path, name));
  if (files.length === 0) {
    return {
      files: [],
      skipped: skippedPaths,
      issues: [
        { file: path, line: 1, col: 1, message: 'the directory holds no *.yaml or *.yml file' },
      ],
    };
  }
  return { files, skipped: skippedPaths, issues: [] };
}

/** The text of one file, or the issue that stops it being read. Size is checked first. */
async function readConfigFile(file: string, isDefault: boolean): Promise<string | ConfigIssue> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return { file, line: 1, col: 1, message: 'not a regular file' };
    if (info.size > MAX_CONFIG_BYTES)
      return { file, line: 1, col: 1, message: describeTooLarge(info.size) };
    const bytes = await readFile(file);
    // The file may have grown since stat: the limit holds for what was read.
    if (bytes.length > MAX_CONFIG_BYTES)
      return { file, line: 1, col: 1, message: describeTooLarge(bytes.length) };
    return bytes.toString('utf8');
  } catch (error) {
    return issueForFsError(file, error, isDefault);
  }
}

function issueForFsError(file: string, error: unknown, isDefault: boolean): ConfigIssue {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  let message: string;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    message = isDefault
      ? `the file does not exist: orws reads ${DEFAULT_CONFIG_PATH} in the working directory by default; use -f PATH to name another file or a directory`
      : 'the file does not exist';
  } else if (code === 'EACCES' || code === 'EPERM') {
    message = 'cannot be read: permission denied';
  } else {
    const reason = error instanceof Error ? error.message : String(error);
    message = `cannot be read: ${reason}`;
  }
  return { file, line: 1, col: 1, message };
}
