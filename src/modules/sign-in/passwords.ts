import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id of the binding: a const enum, which isolatedModules cannot read.
const ARGON2ID = 2;

export interface Argon2Costs {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** argon2id, as a PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash): the costs travel with each hash. */
export function hashPassword(password: string, costs: Argon2Costs): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, ...costs });
}

/** Whether a password matches a stored hash; a malformed hash is no match. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
