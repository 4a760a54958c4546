/** Reject asks for a reason (required, ≤ 500 characters): the requester reads it on the card. */
import { textOf } from '../runs/approval-text.js';
import type { ApprovalRequest } from '../store/approvals.js';

export const REJECT_CALLBACK = 'approval_reject_reason';
const REASON_BLOCK = 'reason';
const REASON_ACTION = 'reason_input';

interface RejectMetadata {
  requestId: string;
  paramsHash: string;
  channelId: string;
  messageTs: string;
}

export function rejectModal(request: ApprovalRequest, card: Omit<RejectMetadata, 'requestId'>) {
  const metadata: RejectMetadata = { requestId: request.id, ...card };
  return {
    type: 'modal',
    callback_id: REJECT_CALLBACK,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Reject request' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'plain_text',
          text: `${textOf(request)} (${request.id}). A rejection is final.`,
        },
      },
      {
        type: 'input',
        block_id: REASON_BLOCK,
        label: { type: 'plain_text', text: 'Why?' },
        element: { type: 'plain_text_input', action_id: REASON_ACTION, multiline: true, max_length: 500 },
      },
    ],
  };
}

export function rejectionFrom(view: {
  private_metadata?: string;
  state: { values: Record<string, Record<string, { value?: string | null }>> };
}) {
  const meta = JSON.parse(view.private_metadata || '{}') as Partial<RejectMetadata>;
  const reason = view.state.values[REASON_BLOCK]?.[REASON_ACTION]?.value?.trim() ?? '';
  return {
    requestId: meta.requestId ?? '',
    paramsHash: meta.paramsHash ?? '',
    card: { channelId: meta.channelId ?? '', messageTs: meta.messageTs ?? '' },
    reason,
    reasonBlock: REASON_BLOCK,
  };
}
