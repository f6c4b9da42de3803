// The console's vendored editor code (issue #19), bundled at build time into src/modules/console/static/vendor/
// (git-ignored; `npm run build` runs this): CodeMirror 6 for the template editor, pdf.js and its worker for the PDF
// preview, mammoth's browser build for the DOCX preview. Minified ES modules served by the service itself (no CDN),
// imported only by pages/templates.js (a dynamic import: the other pages' weight does not change).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'src', 'modules', 'console', 'static', 'vendor');

/** "name version (licence)" of the packages a bundle holds, for its header. */
const named = (names) =>
  names
    .map((n) => {
      const p = JSON.parse(readFileSync(join(root, 'node_modules', n, 'package.json'), 'utf8'));
      return `${p.name} ${p.version} (${p.license})`;
    })
    .join(', ');

const CODEMIRROR = [
  'codemirror',
  '@codemirror/state',
  '@codemirror/view',
  '@codemirror/commands',
  '@codemirror/language',
  '@codemirror/autocomplete',
  '@codemirror/lint',
  '@codemirror/lang-html',
  '@codemirror/lang-css',
  '@codemirror/lang-json',
];

const CODEMIRROR_ENTRY = `
export { basicSetup, minimalSetup } from 'codemirror';
export { EditorState, StateEffect, Compartment } from '@codemirror/state';
export { EditorView, keymap } from '@codemirror/view';
export { indentWithTab } from '@codemirror/commands';
export { syntaxTree } from '@codemirror/language';
export { autocompletion, completeFromList } from '@codemirror/autocomplete';
export { linter, lintGutter, setDiagnostics, forceLinting } from '@codemirror/lint';
export { html } from '@codemirror/lang-html';
export { css } from '@codemirror/lang-css';
export { json } from '@codemirror/lang-json';
`;

const bundles = [
  { file: 'codemirror.js', packages: CODEMIRROR, stdin: CODEMIRROR_ENTRY },
  { file: 'pdf.js', packages: ['pdfjs-dist'], entry: 'pdfjs-dist/build/pdf.mjs' },
  { file: 'pdf.worker.js', packages: ['pdfjs-dist'], entry: 'pdfjs-dist/build/pdf.worker.mjs' },
  // The browser build is a UMD script; bundled as CommonJS it becomes the module's default export.
  { file: 'mammoth.js', packages: ['mammoth'], stdin: `export { default } from 'mammoth/mammoth.browser.min.js';` },
];

/**
 * CodeMirror's styles (style-mod) go into a <style> element on a document and into a constructed style sheet only in
 * a shadow root; the console's CSP (style-src 'self', no inline style) blocks the element. Constructed sheets are not
 * inline styles: style-mod is made to use them on the document too (every browser the console supports has
 * document.adoptedStyleSheets). The build fails if style-mod changes so that the line is not found.
 */
const STYLE_MOD_TEST = 'if (!root.head && root.adoptedStyleSheets && win.CSSStyleSheet) {';
const adoptedStyles = {
  name: 'style-mod-adopted-sheets',
  setup(b) {
    b.onLoad({ filter: /style-mod[\\/]src[\\/]style-mod\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(STYLE_MOD_TEST)) throw new Error(`console-vendor: ${args.path} changed; see the comment`);
      return {
        contents: source.replace(STYLE_MOD_TEST, 'if (root.adoptedStyleSheets && win.CSSStyleSheet) {'),
        loader: 'js',
      };
    });
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const b of bundles) {
  const result = await build({
    ...(b.stdin ? { stdin: { contents: b.stdin, resolveDir: root, loader: 'js' } } : { entryPoints: [b.entry] }),
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
    plugins: [adoptedStyles],
  });
  const header = `/* Bundled by scripts/console-vendor.mjs for the Tenderdesk console: ${named(b.packages)}. */\n`;
  writeFileSync(join(out, b.file), header + result.outputFiles[0].text);
}
