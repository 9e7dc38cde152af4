import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBetweenMarkers, replaceBetweenMarkers, writeBetweenMarkers } from '../helpers/readme-markers';

const DOC = ['# Title', '', 'before', '<!-- demo:start -->', 'old 1', 'old 2', '<!-- demo:end -->', 'after', ''].join('\n');

describe('replaceBetweenMarkers', () => {
  test('replaces only the text between the markers', () => {
    const out = replaceBetweenMarkers(DOC, 'demo', '| a | b |\n|---|---|');
    expect(out).toBe(['# Title', '', 'before', '<!-- demo:start -->', '| a | b |', '|---|---|', '<!-- demo:end -->', 'after', ''].join('\n'));
    expect(readBetweenMarkers(out, 'demo')).toBe('| a | b |\n|---|---|');
  });

  test('is idempotent, trailing newlines of the content included', () => {
    const once = replaceBetweenMarkers(DOC, 'demo', 'new\n');
    expect(replaceBetweenMarkers(once, 'demo', 'new')).toBe(once);
    expect(replaceBetweenMarkers(once, 'demo', 'new\n\n')).toBe(once);
    expect(replaceBetweenMarkers(once, 'demo', readBetweenMarkers(once, 'demo'))).toBe(once);
  });

  test('empty content leaves the markers on consecutive lines', () => {
    const out = replaceBetweenMarkers(DOC, 'demo', '');
    expect(out).toContain('<!-- demo:start -->\n<!-- demo:end -->');
    expect(readBetweenMarkers(out, 'demo')).toBe('');
  });

  test('leaves other blocks alone', () => {
    const doc = `${DOC}<!-- other:start -->\nkeep me\n<!-- other:end -->\n`;
    const out = replaceBetweenMarkers(doc, 'demo', 'x');
    expect(readBetweenMarkers(out, 'other')).toBe('keep me');
    expect(out.endsWith('<!-- other:start -->\nkeep me\n<!-- other:end -->\n')).toBe(true);
  });

  test('marker names are matched exactly (a prefix of another name does not match)', () => {
    const doc = '<!-- reliability:scale:start -->\nx\n<!-- reliability:scale:end -->\n';
    expect(() => replaceBetweenMarkers(doc, 'reliability', 'y')).toThrow('README marker <!-- reliability:start --> not found');
  });

  test('a missing start marker is an error naming it', () => {
    expect(() => replaceBetweenMarkers('text\n<!-- demo:end -->\n', 'demo', 'x')).toThrow('README marker <!-- demo:start --> not found');
  });

  test('a missing end marker is an error naming it', () => {
    expect(() => replaceBetweenMarkers('<!-- demo:start -->\ntext\n', 'demo', 'x')).toThrow('README marker <!-- demo:end --> not found');
    expect(() => readBetweenMarkers('<!-- demo:start -->\ntext\n', 'demo')).toThrow('<!-- demo:end --> not found');
  });

  test('markers out of order are an error', () => {
    expect(() => replaceBetweenMarkers('<!-- demo:end -->\nx\n<!-- demo:start -->\n', 'demo', 'y')).toThrow(
      'README markers out of order: <!-- demo:end --> comes before <!-- demo:start -->',
    );
  });

  test('a repeated marker is an error', () => {
    expect(() => replaceBetweenMarkers(`${DOC}<!-- demo:start -->\n`, 'demo', 'y')).toThrow('README marker <!-- demo:start --> appears more than once');
    expect(() => replaceBetweenMarkers(`${DOC}<!-- demo:end -->\n`, 'demo', 'y')).toThrow('README marker <!-- demo:end --> appears more than once');
  });
});

describe('writeBetweenMarkers', () => {
  test('rewrites the file in place, leaves no temporary file, and reports whether it changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'readme-markers-'));
    const path = join(dir, 'README.md');
    writeFileSync(path, DOC);
    expect(writeBetweenMarkers(path, 'demo', 'fresh')).toBe(true);
    expect(readBetweenMarkers(readFileSync(path, 'utf8'), 'demo')).toBe('fresh');
    expect(writeBetweenMarkers(path, 'demo', 'fresh')).toBe(false);
    expect(readdirSync(dir)).toEqual(['README.md']);
  });

  test('a file without the markers is left untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'readme-markers-'));
    const path = join(dir, 'README.md');
    writeFileSync(path, '# nothing here\n');
    expect(() => writeBetweenMarkers(path, 'demo', 'x')).toThrow('<!-- demo:start --> not found');
    expect(readFileSync(path, 'utf8')).toBe('# nothing here\n');
    expect(readdirSync(dir)).toEqual(['README.md']);
  });
});
