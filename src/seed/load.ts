import { tx, type Db } from '../db/pool.js';
import type { NewCenter } from '../catalog/repo.js';
import { catalogService, type CampaignInput, type SeriesInput } from '../catalog/service.js';

export interface ReleaseSpec {
  opensAt: string;
  waitingRoom?: boolean;
  prequeueMinutes?: number;
}

/**
 * A whole campaign in one file: centres, the campaign, slot series per centre and
 * releases. Series name their centre by its index in `centers`, and their release by its
 * index in `releases` (default the first); `release` alone releases every series at once.
 */
export interface CampaignSpec {
  centers: NewCenter[];
  districts?: Record<string, string[]>;
  campaign: CampaignInput;
  series: (Omit<SeriesInput, 'centerId' | 'campaignId'> & { center: number; release?: number })[];
  release?: ReleaseSpec;
  releases?: ReleaseSpec[];
}

export interface LoadedCampaign {
  campaignId: number;
  centerIds: number[];
  slotIds: number[];
  releaseId: number | undefined;
  releaseIds: number[];
}

/** Loads a campaign spec in one transaction: all of it or nothing. */
export async function loadCampaign(db: Db, spec: CampaignSpec): Promise<LoadedCampaign> {
  return tx(db, async (q) => {
    const centerIds: number[] = [];
    for (const center of spec.centers) centerIds.push((await catalogService.createCenter(q, center)).id as number);
    for (const [name, codes] of Object.entries(spec.districts ?? {})) await catalogService.addDistrict(q, name, codes);
    const campaign = await catalogService.createCampaign(q, spec.campaign);
    const releases = spec.releases ?? (spec.release ? [spec.release] : []);
    const slotIds: number[] = [];
    const byRelease = releases.map(() => [] as number[]);
    for (const { center, release = 0, ...series } of spec.series) {
      const centerId = centerIds[center];
      if (centerId === undefined) throw new Error(`series names centre #${center}, but there are only ${centerIds.length}`);
      if (releases.length > 0 && byRelease[release] === undefined) throw new Error(`series names release #${release}, but there are only ${releases.length}`);
      const slots = await catalogService.createSlotSeries(q, { ...series, centerId, campaignId: campaign.id });
      slotIds.push(...slots.map((s) => s.id));
      byRelease[release]?.push(...slots.map((s) => s.id));
    }
    const releaseIds: number[] = [];
    for (const [i, r] of releases.entries()) {
      if (byRelease[i]!.length === 0) continue;
      releaseIds.push(
        (
          await catalogService.createRelease(q, {
            campaignId: campaign.id,
            slotIds: byRelease[i]!,
            opensAt: r.opensAt,
            waitingRoom: r.waitingRoom ?? false,
            prequeueMinutes: r.prequeueMinutes,
          })
        ).id,
      );
    }
    return { campaignId: campaign.id, centerIds, slotIds, releaseId: releaseIds[0], releaseIds };
  });
}
