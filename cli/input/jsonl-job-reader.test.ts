import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BulkSubmitItem } from '../../client/index.js';
import { countJobLines, readJsonlJobs, type InvalidLine } from './jsonl-job-reader.js';

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sluice-jsonl-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function read(lines: string[]): Promise<{ items: BulkSubmitItem[]; invalid: InvalidLine[] }> {
  const path = join(directory, `${Math.random()}.jsonl`);
  await writeFile(path, lines.join('\n'));
  const invalid: InvalidLine[] = [];
  const items: BulkSubmitItem[] = [];
  for await (const item of readJsonlJobs(
    { path, stdin: process.stdin, defaultChannel: 'main' },
    (line) => invalid.push(line),
  )) {
    items.push(item);
  }
  return { items, invalid };
}

describe('readJsonlJobs', () => {
  it('turns each line into a job, JSON payloads as JSON and strings as text', async () => {
    const { items } = await read([
      '{"type":"echo","payload":{"a":1},"groupKey":"g"}',
      '',
      '{"ref":"mine","channel":"other","type":"sha256","payload":"hello"}',
    ]);
    expect(items).toEqual([
      {
        ref: 'line:1',
        job: { type: 'echo', channel: 'main', groupKey: 'g', payload: { json: { a: 1 } } },
      },
      { ref: 'mine', job: { type: 'sha256', channel: 'other', payload: 'hello' } },
    ]);
  });

  it('reports lines that are not JSON or not a job, with their line number', async () => {
    const { items, invalid } = await read([
      '{"type":"echo"}',
      '{nope',
      '{"payload":1}',
      '{"type":"echo","x":1}',
    ]);
    expect(items).toHaveLength(1);
    expect(invalid.map((line) => [line.ref, line.line])).toEqual([
      ['line:2', 2],
      ['line:3', 3],
      ['line:4', 4],
    ]);
    expect(invalid[0]?.reason).toMatch(/^not JSON/);
    expect(invalid[1]?.reason).toMatch(/^type:/);
  });

  it('counts the non-blank lines of a file', async () => {
    const path = join(directory, 'count.jsonl');
    await writeFile(path, '{"type":"echo"}\n\n{"type":"echo"}\n');
    expect(await countJobLines(path)).toBe(2);
  });
});
