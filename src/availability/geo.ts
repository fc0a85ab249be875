import { readFileSync } from 'node:fs';

export interface Point {
  lat: number;
  lon: number;
}

/**
 * Approximate centroids of German postal codes, built by scripts/build-postal-codes.mjs
 * from OpenStreetMap-derived postal code ↔ place lists (ODbL) and GeoNames coordinates
 * (CC BY 4.0). Good to a few kilometres: enough to sort centres by distance.
 */
const CENTROIDS: ReadonlyMap<string, Point> = (() => {
  const text = readFileSync(new URL('../../assets/postal-codes-de.tsv', import.meta.url), 'utf8');
  const map = new Map<string, Point>();
  for (const line of text.split('\n').slice(1)) {
    const [code, lat, lon] = line.split('\t');
    if (code && lat && lon) map.set(code, { lat: Number(lat), lon: Number(lon) });
  }
  return map;
})();

export const postalCodeCentroid = (postalCode: string): Point | undefined => CENTROIDS.get(postalCode);

const EARTH_RADIUS_KM = 6371;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(a: Point, b: Point): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
