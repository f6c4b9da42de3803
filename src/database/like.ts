/** An ILIKE pattern matching `term` anywhere, with the LIKE wildcards in it taken literally. */
export const likeContains = (term: string): string => `%${term.replace(/[\\%_]/g, '\\$&')}%`;
