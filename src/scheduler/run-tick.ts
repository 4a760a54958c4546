/**
 * One scheduled tick, on whichever replica claims it: skip it (paused,
 * overlapping a run still going) or run the schedule's command through the same
 * pipeline as a typed command, then record how it ended.
 */
import type { Logger } from 'pino';
import type { Actor, ScheduleDefinition } from '../define.js';
import type { Engine } from '../runs/engine.js';
import type { Outcome, Replies } from '../runs/outcome.js';
import type { Db } from '../store/db.js';
import { claimTick, finishTick, runningTick, type ScheduleRunState, scheduleControls } from '../store/schedule-runs.js';
import { type ChecklistMessage, runChecklist } from './run-checklist.js';

/** A run older than this no longer counts as "still going" for the overlap rule. */
const OVERLAP_WINDOW_SECONDS = 6 * 3600;

export interface TickDeps {
  engine: Engine;
  db: Db;
  logger: Logger;
  replica: string;
  /** Where a schedule's outcome goes (its `postTo` channel, or the console). */
  repliesFor(schedule: ScheduleDefinition): Replies;
  /** The one edited message of a checklist run (default: the final checklist is sent as the run's outcome). */
  checklistMessage?(schedule: ScheduleDefinition): ChecklistMessage;
}

function checklistMessageFor(deps: TickDeps, schedule: ScheduleDefinition): ChecklistMessage {
  if (deps.checklistMessage) return deps.checklistMessage(schedule);
  const replies = deps.repliesFor(schedule);
  return {
    async update(text, done) {
      if (!done) return;
      await replies.send({
        kind: 'result',
        runId: `checklist-${schedule.name}`,
        sandbox: false,
        command: 'checklist',
        result: { summary: done.summary, details: text, ok: done.ok },
        audience: 'channel',
      });
    },
  };
}

export function commandText(schedule: ScheduleDefinition): string {
  const args = Object.entries(schedule.args).map(([key, value]) => `--${key}=${JSON.stringify(String(value))}`);
  return [schedule.command, ...args].join(' ');
}

export const scheduleActor = (schedule: ScheduleDefinition): Actor => ({
  kind: 'schedule',
  userId: `schedule:${schedule.name}`,
  teamId: 'schedule',
  roles: [],
});

function stateOf(outcome: Outcome): ScheduleRunState {
  if (outcome.kind === 'error')
    return outcome.code === 'refused' || outcome.code === 'target_locked' ? 'skipped' : 'failed';
  if (outcome.kind === 'result' && outcome.result.ok === false) return 'failed';
  return 'succeeded';
}

export async function runTick(
  deps: TickDeps,
  schedule: ScheduleDefinition,
  tick: Date,
  options: { actor?: Actor; alreadyClaimed?: boolean } = {},
): Promise<void> {
  const { actor } = options;
  const log = deps.logger.child({ schedule: schedule.name, tick: tick.toISOString() });
  if (
    !options.alreadyClaimed &&
    !(await claimTick(deps.db, { schedule: schedule.name, tick, replica: deps.replica }))
  ) {
    return;
  }
  const control = (await scheduleControls(deps.db)).get(schedule.name);
  if (control?.paused && !actor) {
    await finishTick(deps.db, {
      schedule: schedule.name,
      tick,
      state: 'skipped',
      reason: `paused by ${control.actor}`,
    });
    return;
  }
  const running = await runningTick(deps.db, schedule.name, OVERLAP_WINDOW_SECONDS, tick);
  if (running) {
    const reason = `the run of ${running.tick.toISOString()} is still going`;
    await finishTick(deps.db, { schedule: schedule.name, tick, state: 'skipped', reason });
    log.warn({ reason }, 'schedule tick skipped');
    return;
  }
  const who = actor ?? scheduleActor(schedule);
  if (schedule.steps) {
    try {
      const result = await runChecklist(deps.engine, schedule, who, checklistMessageFor(deps, schedule), tick);
      await finishTick(deps.db, { schedule: schedule.name, tick, state: result.state, summary: result.summary });
    } catch (error) {
      log.error({ err: error }, 'checklist failed');
      await finishTick(deps.db, { schedule: schedule.name, tick, state: 'failed', summary: (error as Error).message });
    }
    return;
  }
  try {
    const outcome = await deps.engine.run(
      { text: commandText(schedule), actor: { ...who }, source: 'schedule' },
      deps.repliesFor(schedule),
    );
    const summary =
      outcome.kind === 'result'
        ? outcome.result.summary
        : outcome.kind === 'plan'
          ? outcome.plan.summary
          : outcome.kind === 'approval'
            ? `waiting for approval: request ${outcome.request.id}`
            : outcome.message;
    await finishTick(deps.db, {
      schedule: schedule.name,
      tick,
      state: stateOf(outcome),
      runId: outcome.runId,
      summary,
    });
  } catch (error) {
    log.error({ err: error }, 'schedule tick failed');
    await finishTick(deps.db, { schedule: schedule.name, tick, state: 'failed', summary: (error as Error).message });
  }
}
