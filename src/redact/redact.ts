/**
 * Removes secrets from text before it is posted or logged: the values of
 * variables known to be secret, and common token shapes (Slack, AWS, GitHub,
 * bearer tokens, private keys, passwords in URLs and key=value pairs).
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted private key]'],
  [/\bxox[abposr]-[A-Za-z0-9-]{8,}/g, '[redacted slack token]'],
  [/\bxapp-\d-[A-Za-z0-9-]{8,}/g, '[redacted slack token]'],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '[redacted aws key]'],
  [/\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b/g, '[redacted github token]'],
  [/\b(glpat-[A-Za-z0-9_-]{20,})\b/g, '[redacted gitlab token]'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, '[redacted jwt]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  // scheme://user:password@host → keep the user, hide the password
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi, '$1:[redacted]@'],
  [
    /\b((?:[A-Za-z0-9_.-]*?)(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]*["']?)(\s*[=:]\s*)("[^"]*"|'[^']*'|(?!\[redacted)[^\s,;]+)/gi,
    '$1$2[redacted]',
  ],
];

export type Redactor = (text: string) => string;

/** Builds a redactor for these secret values (shorter than 6 characters are ignored: too many false hits). */
export function createRedactor(secretValues: readonly string[] = []): Redactor {
  const values = [...new Set(secretValues.filter((v) => v.length >= 6))].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text;
    for (const value of values) out = out.split(value).join('[redacted]');
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  };
}
