/** What a simulated release day looks like. Every count is before `--scale`. */
export interface Scenario {
  name: string;
  description: string;
  /** People who try. */
  crowd: number;
  centers: number;
  /** Centres that get no vaccine (they exist, and show nothing). */
  centersWithoutVaccine: number;
  /** First-dose appointments, per release (several releases: opened `releaseEverySeconds` apart). */
  releases: number[];
  releaseEverySeconds: number;
  doses: 1 | 2;
  intervalDays: [number, number];
  waitingRoom: boolean;
  /** Campaign needs a verified phone number (codes by SMS through the gateway). */
  verification: boolean;
  smsPerSecond: number;
  /** Arrivals: this share before the opening (in the pre-queue), the rest within `spikeSeconds` after it. */
  earlyShare: number;
  spikeSeconds: number;
  /** Behaviour shares. */
  abandonShare: number;
  secondTabShare: number;
  botShare: number;
  /** People left without an appointment join the wait list. */
  waitlist: boolean;
  /** Hard stop for the whole run, seconds after the first release opens. */
  durationSeconds: number;
  /** The join puzzle's difficulty (leading zero bits): every virtual citizen solves it for real. */
  difficulty: number;
  /** The waiting room's pace: admissions per second at most. */
  admitPerSecond: number;
}

const base = {
  centersWithoutVaccine: 0,
  releaseEverySeconds: 60,
  doses: 2 as const,
  intervalDays: [21, 42] as [number, number],
  waitingRoom: true,
  verification: false,
  smsPerSecond: 50,
  earlyShare: 0.15,
  spikeSeconds: 60,
  abandonShare: 0.05,
  secondTabShare: 0.05,
  botShare: 0.01,
  waitlist: false,
  durationSeconds: 180,
  // A phone spends about a second on the production puzzle; here the crowd shares the server's cores.
  difficulty: 4,
  admitPerSecond: 200,
};

/** Modelled on what was reported in spring 2021. */
export const PRESETS: Record<string, Scenario> = {
  small: {
    ...base,
    name: 'small',
    description: 'A few hundred people for a hundred appointments (the test run)',
    crowd: 300,
    centers: 2,
    releases: [100],
    spikeSeconds: 5,
    durationSeconds: 60,
  },
  burgenland: {
    ...base,
    name: 'burgenland',
    description: '20,000 people within two minutes for 8,500 first-dose appointments at 3 centres',
    crowd: 20_000,
    centers: 3,
    releases: [8_500],
    spikeSeconds: 120,
  },
  'ennepe-ruhr': {
    ...base,
    name: 'ennepe-ruhr',
    description: '66,000 eligible, 15,000 at once, 4,000 appointments at one drive-in centre',
    crowd: 15_000,
    centers: 1,
    releases: [4_000],
    spikeSeconds: 30,
  },
  'westfalen-lippe': {
    ...base,
    name: 'westfalen-lippe',
    description: 'About 120,000 bookings across 27 centres; an offered load of 7,400 requests/s at the peak',
    crowd: 130_000,
    centers: 27,
    releases: [120_000],
    spikeSeconds: 300,
    durationSeconds: 420,
  },
  niedersachsen: {
    ...base,
    name: 'niedersachsen',
    description: '50 centres (30 without vaccine), 5,000 appointments, SMS codes through a gateway of 50 SMS/s, a far larger crowd, the wait list for the rest',
    crowd: 40_000,
    centers: 50,
    centersWithoutVaccine: 30,
    releases: [5_000],
    verification: true,
    smsPerSecond: 50,
    waitlist: true,
  },
  sachsen: {
    ...base,
    name: 'sachsen',
    description: '5,000 appointments at 08:00, then further releases up to 36,000, with the waiting room',
    crowd: 45_000,
    centers: 13,
    releases: [5_000, 10_000, 10_000, 11_000],
    releaseEverySeconds: 45,
    spikeSeconds: 90,
    durationSeconds: 300,
  },
};

/** A scenario scaled down (or up) in people and appointments, with at least one of each. */
export function scaled(s: Scenario, factor: number): Scenario {
  const n = (x: number) => Math.max(1, Math.round(x * factor));
  return { ...s, crowd: n(s.crowd), releases: s.releases.map(n) };
}
