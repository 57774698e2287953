// The layout's rules, checked on the code itself: imports between the folders of src/ run one
// way (no folder cycles, type-only imports included: a type cycle is a design cycle too), and no
// source file grows past 400 lines.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', '..', 'src');
const MAX_LINES = 400;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The folder a file belongs to: its first folder under src/, or "." for src/'s own files. */
function folderOf(file: string): string {
  const relative = path.relative(SRC, file).split(path.sep);
  return relative.length > 1 ? (relative[0] as string) : '.';
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const DYNAMIC_IMPORT = /import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** folder → folder → one example "file → file" import that makes the edge. */
function folderGraph(files: readonly string[]): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Map<string, string>();
    graph.set(from, edges);
    for (const match of [...text.matchAll(IMPORT), ...text.matchAll(DYNAMIC_IMPORT)]) {
      const target = path.resolve(path.dirname(file), match[1] as string);
      const to = folderOf(target);
      if (to !== from && !edges.has(to))
        edges.set(to, `${path.relative(SRC, file)} → ${path.relative(SRC, target)}`);
    }
  }
  return graph;
}

/** Every elementary cycle's smallest witness: strongly connected components of size > 1. */
function folderCycles(graph: Map<string, Map<string, string>>): string[][] {
  // Tarjan's algorithm; the folder graph has a few dozen nodes.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, indices.get(next) as number));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return components;
}

describe('architecture', () => {
  const files = sourceFiles(SRC);

  it('has no import cycle between folders of src/', () => {
    const graph = folderGraph(files);
    const described = folderCycles(graph).map((component) => {
      const edges = component.flatMap((from) =>
        [...(graph.get(from) ?? new Map<string, string>())]
          .filter(([to]) => component.includes(to))
          .map(([to, example]) => `${from} → ${to} (${example})`),
      );
      return edges.join('\n');
    });
    expect(described).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    const graph = new Map([
      ['a', new Map([['b', 'a/x.ts → b/y.ts']])],
      ['b', new Map([['a', 'b/y.ts → a/x.ts']])],
      ['c', new Map([['a', 'c/z.ts → a/x.ts']])],
    ]);
    expect(folderCycles(graph)).toEqual([['a', 'b']]);
  });

  it(`keeps every source file within ${MAX_LINES} lines`, () => {
    const long = files
      .map(
        (file) => [path.relative(SRC, file), fs.readFileSync(file, 'utf8').split('\n').length - 1] as const,
      )
      .filter(([, lines]) => lines > MAX_LINES)
      .map(([file, lines]) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });
});
