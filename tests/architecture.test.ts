/**
 * Dependency direction (CONVENTIONS.md "Boundaries"): services → packages, never service → service;
 * db → contracts; runtime → contracts; contracts depends on no workspace package. Checked on package.json
 * dependencies and on every import in the sources.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

interface Workspace {
  name: string;
  dir: string;
  deps: string[];
}

function workspaces(group: 'packages' | 'services'): Workspace[] {
  return readdirSync(join(root, group))
    .filter((d) => statSync(join(root, group, d)).isDirectory())
    .map((d) => {
      const pkg = JSON.parse(readFileSync(join(root, group, d, 'package.json'), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      return { name: pkg.name, dir: join(root, group, d), deps: Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((n) => n.startsWith('@vigie/')) };
    });
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

const ALLOWED: Record<string, string[]> = {
  '@vigie/contracts': [],
  '@vigie/db': ['@vigie/contracts'],
  '@vigie/runtime': ['@vigie/contracts'],
  // Pure report builders: no I/O, no database.
  '@vigie/reports': ['@vigie/contracts'],
};

describe('architecture', () => {
  const services = workspaces('services');
  const packages = workspaces('packages');
  const serviceNames = new Set(services.map((s) => s.name));

  it('finds the three services and the shared packages', () => {
    expect([...serviceNames].sort()).toEqual(['@vigie/api', '@vigie/classifier', '@vigie/collector']);
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@vigie/contracts', '@vigie/db', '@vigie/runtime']));
  });

  it('keeps services independent of each other and packages independent of services', () => {
    for (const ws of [...services, ...packages]) {
      const offending = ws.deps.filter((d) => serviceNames.has(d));
      expect(offending, `${ws.name} depends on a service`).toEqual([]);
      for (const file of sourceFiles(join(ws.dir, 'src'))) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/from '([^']+)'/g)) {
          const spec = m[1]!;
          expect(serviceNames.has(spec) || /\.\.\/\.\.\/services\//.test(spec) || (spec.startsWith('../..') && !spec.startsWith('../../src')), `${file} imports ${spec}`).toBe(false);
        }
      }
    }
  });

  it('respects the allowed direction between core packages', () => {
    for (const pkg of packages) {
      const allowed = ALLOWED[pkg.name];
      if (!allowed) continue;
      expect(pkg.deps.filter((d) => !allowed.includes(d)), `${pkg.name} has a forbidden dependency`).toEqual([]);
    }
  });
});
