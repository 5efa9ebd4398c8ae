/**
 * The framework typings (scripts/framework-types.mjs, from custom-elements.json) and the
 * React wrapper's props, as a consumer's compiler sees them: test/types/ holds a Vue
 * component and TSX files written as the docs show, which must compile (vue-tsc with
 * strictTemplates, tsc strict), and files with one mistake each (a wrong attribute type,
 * an unknown event, an unknown attribute, a wrong event detail, a read-only prop), which
 * must fail with that mistake's error. Svelte is not installed: its typings compile against
 * a stand-in for `svelte/elements` (test/types/svelte/), which checks the generated file, not
 * svelte-check. `recs-widget/…` resolves to this package through its exports, as in an app;
 * declaration files are checked too (no skipLibCheck). Needs `npm run build` first.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
// @ts-expect-error a plain .mjs script without declarations
import { writeFrameworkTypes } from '../../scripts/framework-types.mjs';

const root = new URL('../..', import.meta.url).pathname;
const types = join(root, 'test/types');
const run = promisify(execFile);

/** Runs a compiler on a tsconfig; resolves with its exit code and output (never rejects on type errors). */
async function compile(bin: 'tsc' | 'vue-tsc', project: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(join(root, 'node_modules/.bin', bin), ['--noEmit', '-p', project], { cwd: root });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: (failed.stdout ?? '') + (failed.stderr ?? '') };
  }
}

/** A tsconfig for one file (plus `extra`), in a temporary folder, extending test/types' base. */
function projectFor(file: string, options: Record<string, unknown>, extra: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'recs-types-'));
  const path = join(dir, 'tsconfig.json');
  writeFileSync(path, JSON.stringify({ extends: join(types, 'tsconfig.base.json'), ...options, include: [file, ...extra] }));
  return path;
}

/** The compiler's errors, each with its indented continuation lines. */
const diagnostics = (output: string) => output.split(/\n(?=\S)/).filter((block) => /: error TS\d+/.test(block));

const expectation = (file: string) => /expect: (.+?)(?: -->)?$/m.exec(readFileSync(file, 'utf8'))?.[1];

describe('framework typings', () => {
  it('are generated from the manifest', () => {
    assert.ok(existsSync(join(root, 'custom-elements.json')) && existsSync(join(root, 'dist/types/index.d.ts')), 'run npm run build first');
    const written: string[] = writeFrameworkTypes();
    for (const file of written) {
      const text = readFileSync(file, 'utf8');
      // Every element and every event of the manifest appears.
      for (const name of ['recs-carousel', 'recs-list', 'recs-click', 'recs-add-to-cart']) assert.ok(text.includes(name), `${file} lacks ${name}`);
    }
  });

  it('compile the Vue component of docs/frameworks.md as written: test/types/vue/FrameworksDoc.vue is that snippet', () => {
    const docs = readFileSync(join(root, 'docs/frameworks.md'), 'utf8');
    assert.ok(docs.includes(`\`\`\`vue\n${readFileSync(join(types, 'vue/FrameworksDoc.vue'), 'utf8')}\`\`\``), 'the snippet and FrameworksDoc.vue differ');
  });

  it('accept the Vue components (vue-tsc, strictTemplates)', async () => {
    const { code, output } = await compile('vue-tsc', join(types, 'vue/tsconfig.json'));
    assert.equal(code, 0, output);
  });

  it('accept the React and plain TSX consumers, and the Svelte typings against a stand-in for svelte/elements (tsc strict)', async () => {
    const projects = ['jsx/tsconfig.json', 'jsx/tsconfig.plain.json', 'svelte/tsconfig.json'];
    const results = await Promise.all(projects.map((project) => compile('tsc', join(types, project))));
    for (const { code, output } of results) assert.equal(code, 0, output);
  });

  // One compiler run per kind (vue-tsc is slow to start); each file must fail with exactly its own mistake.
  for (const kind of ['vue', 'jsx'] as const) {
    it(`reject each mistake in test/types/${kind}/bad/`, async () => {
      const dir = join(types, kind, 'bad');
      const files = readdirSync(dir).map((name) => join(dir, name));
      assert.ok(files.length >= 4);
      const project = kind === 'vue'
        ? projectFor(join(dir, '*.vue'), { compilerOptions: { jsx: 'preserve' }, vueCompilerOptions: { strictTemplates: true } }, [join(types, 'vue/env.d.ts')])
        : projectFor(join(dir, '*.tsx'), { compilerOptions: { jsx: 'react-jsx' } });
      try {
        const { code, output } = await compile(kind === 'vue' ? 'vue-tsc' : 'tsc', project);
        assert.notEqual(code, 0, 'the mistakes compiled');
        for (const file of files) {
          const expected = expectation(file);
          assert.ok(expected, `${file} says which error it expects`);
          const errors = diagnostics(output).filter((diagnostic) => diagnostic.startsWith(relative(root, file)));
          assert.equal(errors.length, 1, `${relative(root, file)}: expected one error, "${expected}":\n${output}`);
          assert.ok(errors[0]!.includes(expected!), `${relative(root, file)} failed for another reason: ${errors[0]}`);
        }
      } finally {
        rmSync(join(project, '..'), { recursive: true, force: true });
      }
    });
  }
});
