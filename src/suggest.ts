/**
 * "Did you mean …?" for unknown verbs, services, environments, roles and catalog keys.
 *
 * @example
 * suggest('prd', ['dev', 'staging', 'prod']); // 'prod'
 * didYouMean('api-gatway', services);         // ' (did you mean "api-gateway"?)'
 */

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

// "stg" → "staging", "prd" → "prod": same first letter, letters in order.
function isAbbreviation(word: string, candidate: string): boolean {
  if (word.length < 3 || word[0] !== candidate[0]) return false;
  let k = 0;
  for (const c of candidate) if (c === word[k]) k++;
  return k === word.length;
}

/**
 * The candidates close to `word`, best first: a small edit distance (at most a third of the
 * longer word, at least 1), then a prefix either way ("neural" → "neural-engine", "warning" → "warn"),
 * then an abbreviation ("stg" → "staging").
 * Comparison ignores case. Unrelated words get an empty list.
 */
export function suggestions(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const w = word.toLowerCase();
  if (w.length === 0) return [];
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of new Set(candidates)) {
    const c = candidate.toLowerCase();
    const distance = editDistance(w, c);
    const threshold = Math.max(1, Math.floor(Math.max(w.length, c.length) / 3));
    if (distance <= threshold) scored.push({ candidate, score: distance });
    else if (w.length >= 2 && c.startsWith(w)) scored.push({ candidate, score: 100 + c.length - w.length });
    else if (c.length >= 3 && w.startsWith(c)) scored.push({ candidate, score: 200 + w.length - c.length });
    else if (isAbbreviation(w, c)) scored.push({ candidate, score: 1000 + c.length - w.length });
  }
  // Array.prototype.sort is stable: equal scores keep the candidates' order.
  return scored
    .sort((x, y) => x.score - y.score)
    .slice(0, limit)
    .map((s) => s.candidate);
}

/** The single best candidate for `word`, or undefined when nothing is close. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  return suggestions(word, candidates, 1)[0];
}

/** ` (did you mean "x"?)` to append to a message, or '' when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = suggest(word, candidates);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}
