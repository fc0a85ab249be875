import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Calibration } from './model.js';

/** Where `npm run plan -- calibrate` keeps the costs measured on this installation. */
export const CALIBRATION_FILE = resolve(process.env.ANSTURM_DATA_DIR ?? 'data', 'capacity-calibration.json');

/** The costs measured here if there are any, else the reference machine's (planner/reference-calibration.json). */
export function loadCalibration(): { costs: Calibration; measuredHere: boolean } {
  const measuredHere = existsSync(CALIBRATION_FILE);
  const path = measuredHere ? CALIBRATION_FILE : new URL('./reference-calibration.json', import.meta.url);
  return { costs: JSON.parse(readFileSync(path, 'utf8')) as Calibration, measuredHere };
}
