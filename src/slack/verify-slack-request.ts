/**
 * Checks a Slack request before Bolt sees it, stricter than Bolt: the timestamp
 * must be within 5 minutes in EITHER direction (Bolt accepts future ones), and
 * the v0 signature is compared in constant time over the raw bytes.
 * See https://api.slack.com/authentication/verifying-requests-from-slack
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const MAX_CLOCK_SKEW_SECONDS = 300;

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export function verifySlackRequest(
  signingSecret: string,
  headers: { signature?: string; timestamp?: string },
  rawBody: Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): VerifyResult {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return { ok: false, reason: 'missing signature headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: 'timestamp more than 5 minutes away from now' };
  }
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  const expected = Buffer.from(`v0=${hmac.digest('hex')}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'signature does not match' };
  }
  return { ok: true };
}
