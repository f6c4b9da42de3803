/** What other modules may use of the delivery records: their vocabulary (statuses, kinds) without the ORM entity. */
export const DELIVERY_STATUSES = ['issued', 'shipped', 'delivered', 'cancelled'] as const;

export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
