/**
 * Builds the citizen web app (web/) into dist/public: a minified ES module with the pages most
 * people see, chunks for the rest (pages few open, the English catalogue) loaded when needed, and
 * one stylesheet, all named by their content hash so they can be cached for good, each stored also
 * gzip- and brotli-compressed for @fastify/static to send as they are. Prints the weights.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { direction, LANGUAGES, type Language } from '../src/languages.js';
import { de, type Key } from '../web/src/i18n/de.js';

const root = new URL('../', import.meta.url);
const out = new URL('dist/public/', root);
const assets = new URL('assets/', out);

// Old phones: ES2019 syntax runs on Chrome 70+ (any Android phone that still updates its browser) and iOS 13 Safari.
const TARGET = ['es2019', 'chrome70', 'firefox68'];

const common = { bundle: true, minify: true, target: TARGET, write: false, legalComments: 'none', charset: 'utf8' } as const;
// The citizens' app and the staff console are separate scripts: the citizens never download the console.
const [bundle, staffBundle] = await Promise.all([
  // Modules (Chrome 63, iOS 11.3) so that import() can fetch a page's code when it is first shown.
  build({
    ...common,
    entryPoints: { app: new URL('web/src/main.ts', root).pathname },
    format: 'esm',
    splitting: true,
    outdir: '/assets',
    entryNames: '[name].[hash]',
    chunkNames: 'chunk.[hash]',
    metafile: true,
  }),
  build({ ...common, entryPoints: [new URL('web/staff/main.ts', root).pathname], format: 'iife' }),
]);
const css = await build({
  entryPoints: [new URL('web/styles.css', root).pathname],
  bundle: true,
  minify: true,
  target: TARGET,
  write: false,
});

rmSync(out, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const hashed = (name: string, ext: string, content: Uint8Array) => `${name}.${createHash('sha256').update(content).digest('hex').slice(0, 12)}.${ext}`;
const sizes: Record<string, { raw: number; gzip: number; brotli: number }> = {};

function emit(dir: URL, name: string, content: Uint8Array): void {
  const gz = gzipSync(content, { level: 9 });
  const br = brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(new URL(name, dir), content);
  writeFileSync(new URL(`${name}.gz`, dir), gz);
  writeFileSync(new URL(`${name}.br`, dir), br);
  sizes[name] = { raw: content.length, gzip: gz.length, brotli: br.length };
}

// esbuild named each module by its content already; the entry imports its chunks by these names.
const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
for (const file of bundle.outputFiles) emit(assets, fileName(file.path), file.contents);
const [entryPath, entryMeta] = Object.entries(bundle.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith('web/src/main.ts'))!;
const jsName = fileName(entryPath);
// Chunks the entry imports statically are announced with the page, so they come in the same round trip.
const preload = entryMeta.imports
  .filter((i) => i.kind === 'import-statement')
  .map((i) => `<link rel="modulepreload" href="/assets/${fileName(i.path)}">`)
  .join('\n');
const style = css.outputFiles[0]!.contents;
const cssName = hashed('app', 'css', style);
emit(assets, cssName, style);
// One page per language (index.<lang>.html): the server sends the one the person reads, with its lang
// and dir, its first words, and its catalogue announced beside the app so both come in one round trip.
const template = readFileSync(new URL('web/index.html', root), 'utf8').replace('{{js}}', jsName).replace('{{css}}', cssName);
const catalogueChunk = (l: Language) => Object.entries(bundle.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith(`web/src/i18n/${l}.ts`))?.[0];
for (const l of LANGUAGES) {
  const words = l === 'de' ? de : (await import(`../web/src/i18n/${l}.ts`))[l];
  const chunk = catalogueChunk(l);
  const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const html = template
    .replace('{{lang}}', l)
    .replace('{{dir}}', direction(l))
    .replace('{{preload}}', [preload, chunk ? `<link rel="modulepreload" href="/assets/${fileName(chunk)}">` : ''].filter(Boolean).join('\n'))
    .replace(/\{\{([\w.]+)\}\}/g, (_, key: Key) => escapeHtml(words[key]));
  emit(out, `index.${l}.html`, Buffer.from(html));
}
const staffJs = staffBundle.outputFiles[0]!.contents;
const staffJsName = hashed('staff', 'js', staffJs);
emit(assets, staffJsName, staffJs);
const staffHtml = readFileSync(new URL('web/staff/index.html', root), 'utf8').replace('{{js}}', staffJsName).replace('{{css}}', cssName);
emit(out, 'staff.html', Buffer.from(staffHtml));
writeFileSync(new URL('sizes.json', out), JSON.stringify(sizes, null, 2));

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
for (const [name, s] of Object.entries(sizes)) {
  console.log(`web: ${name.padEnd(24)} ${kb(s.raw).padStart(9)}  gzip ${kb(s.gzip).padStart(8)}  brotli ${kb(s.brotli).padStart(8)}`);
}
