/** The error codes of the deliveries module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const DeliveryError = {
  /** The arrival date is before the shipment or after today (422). */
  ARRIVAL_DATE_INVALID: 'ARRIVAL_DATE_INVALID',
  /** More would ship than the contract line has left (422). */
  DELIVERY_EXCEEDS_REMAINING: 'DELIVERY_EXCEEDS_REMAINING',
  /** A delivery line the contract's current revision does not have (422). */
  DELIVERY_LINE_UNKNOWN: 'DELIVERY_LINE_UNKNOWN',
  DELIVERY_NOTICE_NOT_RENDERED: 'DELIVERY_NOTICE_NOT_RENDERED',
  DELIVERY_NOT_FOUND: 'DELIVERY_NOT_FOUND',
  /** The notice's status does not allow this step (409). */
  DELIVERY_STATUS_CONFLICT: 'DELIVERY_STATUS_CONFLICT',
  /** Only a manager lets goods ship before the payment due before delivery (403). */
  GATE_OVERRIDE_FORBIDDEN: 'GATE_OVERRIDE_FORBIDDEN',
  /** The payment due before delivery is not paid: the shipment is held (409). */
  PAYMENT_OUTSTANDING: 'PAYMENT_OUTSTANDING',
  SHIPPED_AT_IN_FUTURE: 'SHIPPED_AT_IN_FUTURE',
} as const;
export type DeliveryErrorCode = (typeof DeliveryError)[keyof typeof DeliveryError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    deliveries: DeliveryErrorCode;
  }
}
