/**
 * A list's filter to the records of these customers (a sales user's own; see auth/ownership.ts):
 * `column IN (...)`, or FALSE for none (an empty IN list is not SQL).
 */
export function inOwnCustomers(column: string, customerIds: string[]): [string, { ownCustomers: string[] }] {
  return [customerIds.length ? `${column} IN (:...ownCustomers)` : 'FALSE', { ownCustomers: customerIds }];
}
