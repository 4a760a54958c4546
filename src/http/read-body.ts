import type { IncomingMessage } from 'node:http';

/** Reads a request body up to a limit; larger bodies are refused rather than buffered. */
export async function readBody(req: IncomingMessage, limitBytes = 1_000_000): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
