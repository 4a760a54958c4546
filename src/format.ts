/** Small text formatting shared by commands (re-exported from define.ts for content files). */

/** Age of an ISO timestamp like kubectl prints it: 45m, 3h12m, 2d4h; "-" when unknown. */
export function formatAge(iso: string | undefined, now = Date.now()): string {
  const minutes = iso ? Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000)) : Number.NaN;
  if (Number.isNaN(minutes)) return '-';
  const hours = Math.floor(minutes / 60);
  if (hours === 0) return `${minutes}m`;
  if (hours < 24) return `${hours}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
  return `${Math.floor(hours / 24)}d${hours % 24 ? `${hours % 24}h` : ''}`;
}

/** Rows as aligned columns (two spaces apart), the first row being the header. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
