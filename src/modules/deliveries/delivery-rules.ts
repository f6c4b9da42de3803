import type { Decimal } from 'decimal.js';
import { Dec, sum, type Amount } from '../../common/money.js';
import type { ScheduleShare } from '../receivables/index.js';
import type { DeliveryItem, DeliveryStatus, GateShare } from './delivery.entity.js';

/**
 * The pure rules of delivery notices: quantities left to deliver per contract line, the status machine, the
 * payment gate's list and the notice number. No I/O: deliveries.service.ts feeds them.
 */

/** A contract line's quantity has at most 12 digits and 3 places (as quotation lines); so does a delivered one. */
export const QTY_DIGITS = 12;
export const QTY_PLACES = 3;

/** "2.000" -> "2", "2.50" -> "2.5": quantities are shown as people write them. */
export function formatQty(value: Decimal.Value): string {
  return new Dec(value).toFixed();
}

export interface LineProgress {
  line: number;
  productCode: string | null;
  name: string;
  specification: string | null;
  unit: string;
  /** The line's quantity on the contract (current revision). */
  ordered: string;
  /** On notices that are not cancelled (issued, shipped or delivered): taken from what remains. */
  issued: string;
  /** On notices shipped or delivered. */
  shipped: string;
  /** On notices whose arrival was confirmed. */
  delivered: string;
  /** ordered - issued: what a new notice may still take (never below zero). */
  remaining: string;
}

type Line = {
  line: number;
  productCode: string | null;
  name: string;
  specification: string | null;
  qty: string;
  unit: string;
};
type Notice = { status: DeliveryStatus; items: Pick<DeliveryItem, 'line' | 'qty'>[] };

const counts: Record<DeliveryStatus, { issued: boolean; shipped: boolean; delivered: boolean }> = {
  issued: { issued: true, shipped: false, delivered: false },
  shipped: { issued: true, shipped: true, delivered: false },
  delivered: { issued: true, shipped: true, delivered: true },
  cancelled: { issued: false, shipped: false, delivered: false },
};

/** Each contract line with what its notices took, shipped and delivered. */
export function lineProgress(lines: Line[], notices: Notice[]): LineProgress[] {
  return lines.map((l) => {
    let issued = new Dec(0);
    let shipped = new Dec(0);
    let delivered = new Dec(0);
    for (const n of notices) {
      const c = counts[n.status];
      for (const item of n.items) {
        if (item.line !== l.line) continue;
        if (c.issued) issued = issued.plus(item.qty);
        if (c.shipped) shipped = shipped.plus(item.qty);
        if (c.delivered) delivered = delivered.plus(item.qty);
      }
    }
    const remaining = Dec.max(new Dec(l.qty).minus(issued), 0);
    return {
      line: l.line,
      productCode: l.productCode,
      name: l.name,
      specification: l.specification,
      unit: l.unit,
      ordered: formatQty(l.qty),
      issued: formatQty(issued),
      shipped: formatQty(shipped),
      delivered: formatQty(delivered),
      remaining: formatQty(remaining),
    };
  });
}

export interface ItemCheck {
  /** Lines asked for that the contract (current revision) does not have. */
  unknown: number[];
  /** Lines asked for beyond what remains. */
  exceeding: { line: number; asked: string; remaining: string }[];
}

export function checkItems(progress: LineProgress[], asked: { line: number; qty: string }[]): ItemCheck {
  const byLine = new Map(progress.map((p) => [p.line, p]));
  const unknown: number[] = [];
  const exceeding: ItemCheck['exceeding'] = [];
  for (const a of asked) {
    const p = byLine.get(a.line);
    if (!p) unknown.push(a.line);
    else if (new Dec(a.qty).greaterThan(p.remaining))
      exceeding.push({ line: a.line, asked: formatQty(a.qty), remaining: p.remaining });
  }
  return { unknown, exceeding };
}

/** Every line of the contract has arrived in full (confirmed deliveries only). A contract without lines never is. */
export function fullyDelivered(progress: LineProgress[]): boolean {
  return progress.length > 0 && progress.every((p) => new Dec(p.delivered).greaterThanOrEqualTo(p.ordered));
}

export type DeliveryAction = 'ship' | 'deliver' | 'cancel';

const TRANSITIONS: Record<DeliveryAction, { from: DeliveryStatus; to: DeliveryStatus }> = {
  ship: { from: 'issued', to: 'shipped' },
  deliver: { from: 'shipped', to: 'delivered' },
  cancel: { from: 'issued', to: 'cancelled' },
};

/** The status an action leads to, or null when the notice's status does not allow it. */
export function transition(status: DeliveryStatus, action: DeliveryAction): DeliveryStatus | null {
  const t = TRANSITIONS[action];
  return t.from === status ? t.to : null;
}

export function requiredStatus(action: DeliveryAction): DeliveryStatus {
  return TRANSITIONS[action].from;
}

/** The shares the gate found unpaid, as the delivery keeps them, and what they add up to. */
export function gateShares(shares: ScheduleShare[]): { shares: GateShare[]; total: Amount } {
  const open = shares.filter((s) => new Dec(s.outstanding).greaterThan(0));
  return {
    shares: open.map((s) => ({
      share: s.share,
      event: s.event,
      label: s.label,
      dueDate: s.dueDate,
      outstanding: s.outstanding,
    })),
    total: sum(open.map((s) => s.outstanding)),
  };
}

/** "share 1 (预付款, contract_signed, due 2026-06-19): 150248.97" */
export function describeShare(s: GateShare): string {
  const what = [s.label, s.event, s.dueDate ? `due ${s.dueDate}` : 'no due date yet'].filter(Boolean).join(', ');
  return `share ${s.share} (${what}): ${s.outstanding}`;
}

/** FH{YYYY}-{SEQ:4}: FH2026-0001. A sequence past 9999 keeps all its digits. */
export function deliveryNumber(year: number, seq: number): string {
  return `FH${year}-${String(seq).padStart(4, '0')}`;
}
