/**
 * Splits a script's stdout and stderr into lines as they arrive, redacts each line, hands it to the
 * caller (the progress message) and keeps a capped log plus the last lines for the result.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Redactor } from '../redact/redact.js';

export type OutputStream = 'stdout' | 'stderr';

export interface CollectOutputOptions {
  redact: Redactor;
  onLine?: ((line: string, stream: OutputStream) => void) | undefined;
  /** Size of the kept log in bytes; lines past it are still streamed, not kept. */
  maxBytes: number;
  excerptLines: number;
  /** Called once if onLine throws: a broken progress message must not break the run. */
  onLineError(error: unknown): void;
}

export interface CollectedOutput {
  output: string;
  excerpt: string;
  outputTruncated: boolean;
}

// A line longer than this (a progress bar redrawn with \r, a binary blob) is cut into pieces.
const MAX_LINE_CHARS = 64 * 1024;
const KEY_BEGIN = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const KEY_END = /-----END [A-Z ]*PRIVATE KEY-----/;

interface StreamState {
  decoder: StringDecoder;
  pending: string;
  /** Between the BEGIN and END lines of a private key: its lines are dropped, not shown. */
  inKey: boolean;
}

export function createOutputCollector(options: CollectOutputOptions) {
  const states: Record<OutputStream, StreamState> = {
    stdout: { decoder: new StringDecoder('utf8'), pending: '', inKey: false },
    stderr: { decoder: new StringDecoder('utf8'), pending: '', inKey: false },
  };
  const kept: string[] = [];
  const tail: string[] = [];
  let keptBytes = 0;
  let dropped = 0;
  let onLineFailed = false;

  const accept = (raw: string, stream: OutputStream) => {
    const state = states[stream];
    let line = raw;
    if (state.inKey) {
      const end = KEY_END.exec(line);
      if (!end) return;
      state.inKey = false;
      line = line.slice(end.index + end[0].length);
      if (line.trim() === '') return;
    } else {
      const begin = KEY_BEGIN.exec(line);
      if (begin && !KEY_END.test(line.slice(begin.index))) state.inKey = true;
    }
    const redacted = options.redact(line);
    if (options.onLine && !onLineFailed) {
      try {
        options.onLine(redacted, stream);
      } catch (error) {
        onLineFailed = true;
        options.onLineError(error);
      }
    }
    tail.push(redacted);
    if (tail.length > options.excerptLines) tail.shift();
    const bytes = Buffer.byteLength(redacted) + 1;
    if (dropped === 0 && keptBytes + bytes <= options.maxBytes) {
      kept.push(redacted);
      keptBytes += bytes;
    } else {
      dropped += 1;
    }
  };

  const split = (stream: OutputStream) => {
    const state = states[stream];
    let start = 0;
    let newline = state.pending.indexOf('\n');
    while (newline !== -1) {
      accept(state.pending.slice(start, newline).replace(/\r$/, ''), stream);
      start = newline + 1;
      newline = state.pending.indexOf('\n', start);
    }
    state.pending = state.pending.slice(start);
    while (state.pending.length > MAX_LINE_CHARS) {
      accept(state.pending.slice(0, MAX_LINE_CHARS), stream);
      state.pending = state.pending.slice(MAX_LINE_CHARS);
    }
  };

  return {
    write(chunk: Buffer | string, stream: OutputStream) {
      const state = states[stream];
      state.pending += typeof chunk === 'string' ? chunk : state.decoder.write(chunk);
      split(stream);
    },
    /** The last line without a newline; safe to call more than once. */
    end(stream: OutputStream) {
      const state = states[stream];
      state.pending += state.decoder.end();
      split(stream);
      if (state.pending !== '') accept(state.pending.replace(/\r$/, ''), stream);
      state.pending = '';
    },
    result(): CollectedOutput {
      const output =
        dropped === 0
          ? kept.join('\n')
          : `${kept.join('\n')}\n[output truncated: ${dropped} more lines past ${options.maxBytes} bytes were not kept; the last ${tail.length} are in the excerpt]`;
      return { output, excerpt: tail.join('\n'), outputTruncated: dropped > 0 };
    },
  };
}
