/**
 * `npm run build` (and so `npm start`): compiles the server (tsc) and bundles the web app
 * (build-web.ts), but only when something they are made from changed since the last build. A
 * restart without a change starts at once; the stamp in dist/ names what the build was made from.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const INPUTS = ['src', 'web', 'scripts/build.ts', 'scripts/build-web.ts', 'tsconfig.json', 'package-lock.json'];
const OUTPUTS = ['dist/main.js', 'dist/public/index.de.html', 'dist/public/staff.html'];
const STAMP = join(root, 'dist', '.build-stamp');

function files(path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

const hash = createHash('sha256');
for (const file of INPUTS.flatMap(files))
  hash
    .update(file)
    .update('\0')
    .update(readFileSync(join(root, file)))
    .update('\0');
const stamp = hash.digest('hex');

const upToDate = existsSync(STAMP) && readFileSync(STAMP, 'utf8') === stamp && OUTPUTS.every((o) => existsSync(join(root, o)));
if (upToDate && !process.argv.includes('--force')) {
  console.log('build: up to date (no source changed since the last build)');
} else {
  const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  run([join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
  run(['--import', 'tsx', 'scripts/build-web.ts']);
  writeFileSync(STAMP, stamp);
}
