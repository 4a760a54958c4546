/**
 * The week in one small picture: per UTC day, commands run (blue, the failed part orange at the bottom)
 * and incidents opened (red), each series on its own scale, its number above each bar.
 */

import { Canvas, drawNumber, type Rgb } from './png.js';
import type { WeeklyData } from './weekly-data.js';

export const BLUE: Rgb = [0x1d, 0x6f, 0xd8];
export const ORANGE: Rgb = [0xf0, 0x8c, 0x00];
export const RED: Rgb = [0xd6, 0x28, 0x28];
const GREY: Rgb = [0x88, 0x88, 0x88];

export const CHART = { top: 20, barHeight: 120, bar: 14, gap: 4, group: 48, margin: 10 } as const;

export function weeklyChart(perDay: WeeklyData['perDay']): Buffer {
  const { top, barHeight, bar, gap, group, margin } = CHART;
  const canvas = new Canvas(margin * 2 + group * perDay.length, top + barHeight + margin + 2);
  const maxCommands = Math.max(1, ...perDay.map((d) => d.commands));
  const maxIncidents = Math.max(1, ...perDay.map((d) => d.incidents));
  const base = top + barHeight;
  canvas.rect(margin, base, group * perDay.length, 2, GREY);
  perDay.forEach((d, i) => {
    const x = margin + i * group + gap;
    const commands = Math.round((d.commands / maxCommands) * barHeight);
    const failed = Math.round((d.failed / maxCommands) * barHeight);
    canvas.rect(x, base - commands, bar, commands - failed, BLUE);
    canvas.rect(x, base - failed, bar, failed, ORANGE);
    drawNumber(canvas, d.commands, x, base - commands - 14, 2, BLUE);
    const incidents = Math.round((d.incidents / maxIncidents) * barHeight);
    canvas.rect(x + bar + gap, base - incidents, bar, incidents, RED);
    drawNumber(canvas, d.incidents, x + bar + gap, base - incidents - 14, 2, RED);
  });
  return canvas.png();
}
