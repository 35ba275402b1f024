import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { compileTemplate, parse } from '@vue/compiler-sfc';
import { compile as compileSvelte } from 'svelte/compiler';

/** The examples in docs/frameworks.md compile with each framework's own toolchain. */
const example = (name: string) => readFileSync(`docs/examples/${name}`, 'utf8');

function typeCheckTsx(source: string): string[] {
  const fileName = 'docs/examples/react.tsx';
  const options: ts.CompilerOptions = {
    jsx: ts.JsxEmit.ReactJSX,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    experimentalDecorators: true,
    useDefineForClassFields: false,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
    baseUrl: '.',
    paths: { 'rtc-elements': ['src/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (file) => (file.endsWith(fileName) ? source : read(file));
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('framework examples', () => {
  it('React 19 (TSX) type-checks, and a wrong attribute type does not', () => {
    const source = example('react.tsx');
    expect(typeCheckTsx(source)).toEqual([]);
    expect(typeCheckTsx(source.replace('remote-id={agent} style', 'remote-id={42} style')).length).toBeGreaterThan(0);
  }, 60_000);

  it('Vue 3 compiles the rtc-* tags as custom elements (not components) with isCustomElement', () => {
    const { descriptor, errors } = parse(example('vue.vue'), { filename: 'vue.vue' });
    expect(errors).toEqual([]);
    const compile = (isCustomElement?: (tag: string) => boolean) =>
      compileTemplate({ source: descriptor.template!.content, filename: 'vue.vue', id: 'x', compilerOptions: { isCustomElement } });
    const result = compile((tag) => tag.startsWith('rtc-'));
    expect(result.errors).toEqual([]);
    expect(result.code).not.toContain('resolveComponent("rtc-call")');
    expect(result.code).toContain('"rtc-call"');
    expect(compile().code).toContain('resolveComponent("rtc-call")'); // what the option is for
  });

  it('Svelte 5 compiles, with the rtc-ended listener on the element', () => {
    const result = compileSvelte(example('svelte.svelte'), { filename: 'svelte.svelte' });
    expect(result.warnings.map((w) => w.message)).toEqual([]);
    expect(result.js.code).toContain('rtc-call');
    expect(result.js.code).toContain('rtc-ended');
  });
});
