export function distIsFresh(repo: string): boolean;
