import { compare, type Amount } from '../../common/money.js';

/** 温馨提示, 催款通知, 最后催告函: in increasing order of firmness. */
export const DUNNING_LEVELS = ['friendly', 'firm', 'final'] as const;
export type DunningLevel = (typeof DUNNING_LEVELS)[number];

/** The oldest overdue item's age (days) from which each level is due (AppConfig.dunning.levelDays). */
export type LevelThresholds = Record<DunningLevel, number>;

const rank = (level: DunningLevel) => DUNNING_LEVELS.indexOf(level);

/** The level the oldest item's age calls for; null below the first threshold. */
export function levelForAge(maxDaysOverdue: number, thresholds: LevelThresholds): DunningLevel | null {
  let level: DunningLevel | null = null;
  for (const l of DUNNING_LEVELS) if (maxDaysOverdue >= thresholds[l]) level = l;
  return level;
}

/** An item by its place in a contract's schedule. */
export interface ItemRef {
  contractId: string;
  share: number | null;
  outstanding: Amount;
}

const keyOf = (i: Pick<ItemRef, 'contractId' | 'share'>) => `${i.contractId}:${i.share ?? ''}`;

/**
 * Whether something the last letter listed has been paid since: an item it listed is now owed less (or no longer
 * overdue at all). Payments on items the letter did not list do not count: they did not answer the letter.
 */
export function paidSince(listed: ItemRef[], now: ItemRef[]): boolean {
  const current = new Map(now.map((i) => [keyOf(i), i.outstanding]));
  return listed.some((i) => compare(current.get(keyOf(i)) ?? '0', i.outstanding) < 0);
}

/**
 * The level due now. A letter never goes a level down within a dunning period unless paid: while nothing the last
 * letter listed has been paid, the level is at least the last letter's (the age alone could go down only when the
 * thresholds are raised). Once something was paid, the age decides again. The period is the run of letters since
 * the last payment against what they listed; it ends with that payment.
 */
export function levelDue(input: {
  maxDaysOverdue: number;
  thresholds: LevelThresholds;
  items: ItemRef[];
  last: { level: DunningLevel; items: ItemRef[] } | null;
}): DunningLevel | null {
  const byAge = levelForAge(input.maxDaysOverdue, input.thresholds);
  const { last } = input;
  if (!last || paidSince(last.items, input.items)) return byAge;
  if (byAge === null || rank(last.level) > rank(byAge)) return last.level;
  return byAge;
}
