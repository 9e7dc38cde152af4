/**
 * Generated blocks in README.md: the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`
 * belongs to the command that generates it (e.g. `reliability:chaos`, written by `npm run chaos`);
 * everything outside the markers is left byte for byte as it was.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const startMarker = (name: string): string => `<!-- ${name}:start -->`;
export const endMarker = (name: string): string => `<!-- ${name}:end -->`;

/** Where the block `name` lies in `text`: the offsets just after its start marker and of its end marker. */
function locate(text: string, name: string): { from: number; to: number } {
  const start = startMarker(name);
  const end = endMarker(name);
  const at = text.indexOf(start);
  const endAt = text.indexOf(end);
  if (at < 0) throw new Error(`README marker ${start} not found`);
  if (endAt < 0) throw new Error(`README marker ${end} not found`);
  if (text.indexOf(start, at + start.length) >= 0) throw new Error(`README marker ${start} appears more than once`);
  if (text.indexOf(end, endAt + end.length) >= 0) throw new Error(`README marker ${end} appears more than once`);
  if (endAt < at) throw new Error(`README markers out of order: ${end} comes before ${start}`);
  return { from: at + start.length, to: endAt };
}

/**
 * `text` with the block `name` replaced by `content`, laid out as
 * `START\n<content>\nEND` (trailing newlines of `content` are dropped, so applying the same
 * content twice gives the same text). Throws, naming the marker, when a marker is missing,
 * repeated, or the end marker comes first.
 */
export function replaceBetweenMarkers(text: string, name: string, content: string): string {
  const { from, to } = locate(text, name);
  const body = content.replace(/\n+$/, '');
  return `${text.slice(0, from)}\n${body}${body ? '\n' : ''}${text.slice(to)}`;
}

/** The content of the block `name` as `replaceBetweenMarkers` lays it out (no leading or trailing newline). */
export function readBetweenMarkers(text: string, name: string): string {
  const { from, to } = locate(text, name);
  return text.slice(from, to).replace(/^\n/, '').replace(/\n$/, '');
}

/**
 * Replaces the block `name` in the file at `path`, atomically (a temporary file in the same
 * directory, then a rename): a reader sees the old file or the new one, never half of either.
 * Returns whether the file changed; an unchanged file is not rewritten.
 */
export function writeBetweenMarkers(path: string, name: string, content: string): boolean {
  const current = readFileSync(path, 'utf8');
  const next = replaceBetweenMarkers(current, name, content);
  if (next === current) return false;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, next);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  return true;
}
