import { run, type Queryable } from '../db/pool.js';
import { hotlineOpenAt, type Hotline } from './hotline.js';
import * as sql from './repo.js';
import { formatter, INSTALLATION_ZONE } from '../time/zone.js';

/** What the release checklist knows about this installation. */
export interface ChecklistContext {
  hotline: Hotline;
  /** The largest crowd a simulator run showed this installation holding (0: never measured). */
  measuredCrowd: number;
}

export interface ReleasePlan {
  campaignId: number;
  slotIds: number[];
  opensAt: string;
  waitingRoom?: boolean;
  /** How many people the district expects at the opening minute. */
  expectedCrowd?: number;
}

export interface Warning {
  code: 'HOTLINE_CLOSED' | 'NO_WAITING_ROOM' | 'CROWD_NOT_MEASURED' | 'CROWD_EXCEEDS_MEASURED' | 'SECOND_DOSE_SHORT';
  message: string;
}

/** From this many first-dose appointments on, a release without a waiting room is a rush without a line. */
export const LARGE_RELEASE_UNITS = 500;

const local = (iso: string) =>
  formatter('de-DE', INSTALLATION_ZONE, { weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(
    new Date(iso),
  );

/**
 * The lessons of 2021 as checks, run before a release can be scheduled: booking must not open while
 * the hotline is closed, a large release needs its waiting room, the expected crowd must fit what this
 * installation has been measured to hold, and every first dose needs its second.
 */
export async function releaseChecklist(q: Queryable, plan: ReleasePlan, ctx: ChecklistContext): Promise<Warning[]> {
  const warnings: Warning[] = [];
  if (!hotlineOpenAt(ctx.hotline.hours, new Date(plan.opensAt))) {
    warnings.push({
      code: 'HOTLINE_CLOSED',
      message: `The hotline (${ctx.hotline.phone}) is closed at ${local(plan.opensAt)}: callers cannot get help when booking opens.`,
    });
  }
  const units = (await run<sql.ReleaseUnits>(q, sql.releaseUnits(plan.slotIds))).rows;
  const firstDoses = units.reduce((n, u) => n + u.first_dose_units, 0);
  if (!plan.waitingRoom && (firstDoses >= LARGE_RELEASE_UNITS || (plan.expectedCrowd ?? 0) > firstDoses)) {
    warnings.push({
      code: 'NO_WAITING_ROOM',
      message: `${firstDoses} first-dose appointments${plan.expectedCrowd ? ` for ${plan.expectedCrowd} expected people` : ''} open without a waiting room: everyone races at once.`,
    });
  }
  if (plan.expectedCrowd !== undefined) {
    if (ctx.measuredCrowd === 0) {
      warnings.push({
        code: 'CROWD_NOT_MEASURED',
        message: `No crowd size has been measured for this installation (npm run simulate, then ANSTURM_MEASURED_CROWD); ${plan.expectedCrowd} people are expected.`,
      });
    } else if (plan.expectedCrowd > ctx.measuredCrowd) {
      warnings.push({
        code: 'CROWD_EXCEEDS_MEASURED',
        message: `${plan.expectedCrowd} people are expected; this installation was measured holding ${ctx.measuredCrowd}.`,
      });
    }
  }
  for (const u of units) {
    if (u.doses === 2 && u.first_dose_units > u.second_dose_free) {
      warnings.push({
        code: 'SECOND_DOSE_SHORT',
        message: `${u.center_name}: ${u.first_dose_units} first doses but only ${u.second_dose_free} free second-dose appointments in the interval.`,
      });
    }
  }
  return warnings;
}
