/** Reports for the report commands (RunContext.reports). */
import type { Catalog } from '../catalog.js';
import type { ReportPort } from '../define.js';
import type { Db } from '../store/db.js';
import { loadWeeklyData } from './weekly-data.js';
import { renderWeekly } from './weekly-text.js';

export function createReportPort(db: Db, catalog: Catalog): ReportPort {
  return {
    async weekly({ since, until }) {
      const data = await loadWeeklyData(db, since, until);
      const catalogFreezes = Object.entries(catalog.environments).flatMap(([environment, e]) =>
        (e.freezes ?? [])
          .filter((f) => f.from < until && f.to > since)
          .map((f) => ({ environment, from: f.from, to: f.to, reason: f.reason })),
      );
      return renderWeekly(data, catalogFreezes);
    },
  };
}
