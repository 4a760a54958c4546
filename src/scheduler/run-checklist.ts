/**
 * A runbook checklist run as one schedule tick: each step is a command run through the
 * same pipeline as a typed one (authorized, gated, audited on its own), in order. One
 * message shows the whole checklist and is edited as each step passes or fails; it ends
 * with a summary line. A failing step is reported and the run goes on, unless the step
 * says to stop.
 */
import type { Actor, ChecklistStep, ScheduleDefinition } from '../define.js';
import type { Engine } from '../runs/engine.js';
import type { Outcome } from '../runs/outcome.js';
import type { ScheduleRunState } from '../store/schedule-runs.js';

/** The one message of a checklist run: the first call posts it, the next ones edit it. */
export interface ChecklistMessage {
  /** `done` on the last edit: the run is over, with its summary line. */
  update(text: string, done?: { ok: boolean; summary: string }): Promise<void>;
}

type StepState = 'pending' | 'running' | 'passed' | 'failed' | 'skipped' | 'not run';

interface StepView {
  step: ChecklistStep;
  state: StepState;
  note?: string;
}

const MARK: Record<StepState, string> = {
  pending: '⬜',
  running: '⏳',
  passed: '✅',
  failed: '❌',
  skipped: '⏭️',
  'not run': '⬜',
};
/** Progress lines from a step edit the message at most this often (Slack allows about one edit a second). */
const PROGRESS_EDIT_MS = 3_000;

export function stepText(step: { command: string; args: Record<string, unknown> }): string {
  const args = Object.entries(step.args).map(([key, value]) => `--${key}=${JSON.stringify(String(value))}`);
  return [step.command, ...args].join(' ');
}

function oneLine(text: string, max = 160): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** What the step's outcome says, and whether it passed; a refusal (freeze, production gate) is a skip. */
function judge(outcome: Outcome): { state: StepState; note: string } {
  if (outcome.kind === 'result') {
    return { state: outcome.result.ok === false ? 'failed' : 'passed', note: outcome.result.summary };
  }
  if (outcome.kind === 'plan') return { state: 'passed', note: outcome.plan.summary };
  // The step waits for a person: it has not run, so it neither passed nor failed.
  if (outcome.kind === 'approval') return { state: 'skipped', note: `waiting for approval as ${outcome.request.id}` };
  const skipped = outcome.code === 'refused' || outcome.code === 'target_locked';
  return { state: skipped ? 'skipped' : 'failed', note: `${outcome.message}${outcome.hint ? ` ${outcome.hint}` : ''}` };
}

export function renderChecklist(title: string, steps: StepView[], summary?: string): string {
  const lines = steps.map(({ step, state, note }, i) => {
    const detail = note ? ` — ${oneLine(note)}` : '';
    return `${MARK[state]} ${i + 1}. ${step.title} (\`${step.command}\`; expected: ${step.expect})${detail}`;
  });
  return [title, ...lines, ...(summary ? [summary] : [])].join('\n');
}

export interface ChecklistResult {
  state: ScheduleRunState;
  summary: string;
}

export async function runChecklist(
  engine: Engine,
  schedule: ScheduleDefinition,
  actor: Actor,
  message: ChecklistMessage,
  tick: Date,
): Promise<ChecklistResult> {
  const views: StepView[] = (schedule.steps ?? []).map((step) => ({ step, state: 'pending' }));
  const title = `*${schedule.name}* checklist, ${tick.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  let lastEdit = 0;
  const show = async (done?: { ok: boolean; summary: string }) => {
    lastEdit = Date.now();
    // A Slack hiccup must not stop a backup half-way: the steps go on and the tick records the outcome.
    await message
      .update(renderChecklist(title, views, done && `*Summary:* ${done.summary}`), done)
      .catch((error) => engine.deps.logger.warn({ err: error, schedule: schedule.name }, 'checklist message failed'));
  };
  await show();
  let stoppedAt: number | undefined;
  for (const [i, view] of views.entries()) {
    if (stoppedAt !== undefined) {
      view.state = 'not run';
      continue;
    }
    view.state = 'running';
    await show();
    let outcome: Outcome | undefined;
    await engine.run(
      {
        text: stepText(view.step),
        actor: { userId: actor.userId, teamId: actor.teamId, kind: actor.kind },
        source: 'schedule',
      },
      {
        send: async (o) => {
          outcome = o;
        },
        progress: async (text) => {
          if (Date.now() - lastEdit < PROGRESS_EDIT_MS) return;
          view.note = text;
          await show();
        },
      },
    );
    const verdict = outcome ? judge(outcome) : { state: 'failed' as const, note: 'the step gave no answer' };
    view.state = verdict.state;
    view.note = verdict.note;
    if (verdict.state === 'failed' && view.step.onFailure === 'stop') stoppedAt = i;
  }
  const count = (state: StepState) => views.filter((v) => v.state === state).length;
  const [passed, failed, skipped, notRun] = [count('passed'), count('failed'), count('skipped'), count('not run')];
  const parts = [`${passed} of ${views.length} passed`];
  if (failed)
    parts.push(
      `${failed} failed (${views
        .filter((v) => v.state === 'failed')
        .map((v) => v.step.title)
        .join(', ')})`,
    );
  if (skipped) parts.push(`${skipped} skipped`);
  if (notRun) parts.push(`${notRun} not run: stopped after step ${(stoppedAt ?? 0) + 1}`);
  const summary = `${failed ? '❌' : '✅'} ${schedule.name}: ${parts.join(', ')}`;
  await show({ ok: failed === 0, summary });
  const state: ScheduleRunState = failed ? 'failed' : passed === 0 && skipped > 0 ? 'skipped' : 'succeeded';
  return { state, summary };
}
