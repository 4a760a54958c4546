/**
 * The Slack messages that show a request's buttons: the card in the approvals channel, the copy in the
 * requester's thread, DMs. A click is accepted only from one of them (case 12), and every one is updated on
 * each transition (case 38).
 */
import { insertMessage, listMessages } from '../store/approvals.js';
import type { Queryable } from '../store/db.js';

export async function recordApprovalMessage(
  db: Queryable,
  requestId: string,
  message: { channelId: string; messageTs: string },
): Promise<void> {
  await insertMessage(db, requestId, message.channelId, message.messageTs);
}

export async function listApprovalMessages(
  db: Queryable,
  requestId: string,
): Promise<{ channelId: string; messageTs: string }[]> {
  return listMessages(db, requestId);
}

/** Was this button clicked on a message opsbot posted for this request? */
export async function isApprovalMessage(
  db: Queryable,
  requestId: string,
  container: { channelId: string; messageTs: string },
): Promise<boolean> {
  const messages = await listMessages(db, requestId);
  return messages.some((m) => m.channelId === container.channelId && m.messageTs === container.messageTs);
}
