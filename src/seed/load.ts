import { tx, type Db } from '../db/pool.js';
import type { NewCenter } from '../catalog/repo.js';
import { catalogService, type CampaignInput, type SeriesInput } from '../catalog/service.js';

/**
 * A whole campaign in one file: centres, the campaign, slot series per centre and an
 * optional release of all of them. Series name their centre by its index in `centers`.
 */
export interface CampaignSpec {
  centers: NewCenter[];
  districts?: Record<string, string[]>;
  campaign: CampaignInput;
  series: (Omit<SeriesInput, 'centerId' | 'campaignId'> & { center: number })[];
  release?: { opensAt: string; waitingRoom?: boolean };
}

export interface LoadedCampaign {
  campaignId: number;
  centerIds: number[];
  slotIds: number[];
  releaseId: number | undefined;
}

/** Loads a campaign spec in one transaction: all of it or nothing. */
export async function loadCampaign(db: Db, spec: CampaignSpec): Promise<LoadedCampaign> {
  return tx(db, async (q) => {
    const centerIds: number[] = [];
    for (const center of spec.centers) centerIds.push((await catalogService.createCenter(q, center)).id as number);
    for (const [name, codes] of Object.entries(spec.districts ?? {})) await catalogService.addDistrict(q, name, codes);
    const campaign = await catalogService.createCampaign(q, spec.campaign);
    const slotIds: number[] = [];
    for (const { center, ...series } of spec.series) {
      const centerId = centerIds[center];
      if (centerId === undefined) throw new Error(`series names centre #${center}, but there are only ${centerIds.length}`);
      const slots = await catalogService.createSlotSeries(q, { ...series, centerId, campaignId: campaign.id });
      slotIds.push(...slots.map((s) => s.id as number));
    }
    const release = spec.release
      ? await catalogService.createRelease(q, campaign.id, slotIds, spec.release.opensAt, spec.release.waitingRoom ?? false)
      : undefined;
    return { campaignId: campaign.id, centerIds, slotIds, releaseId: release?.id };
  });
}
