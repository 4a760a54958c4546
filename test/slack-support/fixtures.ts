/** A realistic approval message and rollback modal, the shapes opsbot sends. Tests copy and break them. */

export const C_OPS = 'C0123OPS01';
export const U_ALICE = 'U0ALICE01';
export const U_BOB = 'U0BOB0001';

export function approvalMessage() {
  return {
    channel: C_OPS,
    text: 'Rollback of api-gateway in prod needs a second approver',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Approval needed: rollback api-gateway (prod)' } },
      {
        type: 'section',
        block_id: 'summary',
        text: { type: 'mrkdwn', text: '<@U0ALICE01> wants to roll *api-gateway* in *prod* back to revision 41.' },
        fields: [
          { type: 'mrkdwn', text: '*Service*\napi-gateway' },
          { type: 'mrkdwn', text: '*Environment*\nprod' },
        ],
        accessory: {
          type: 'overflow',
          action_id: 'more',
          options: [{ text: { type: 'plain_text', text: 'Show diff' }, value: 'diff' }],
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Expires in 15 minutes · run r-1234' }] },
      {
        type: 'actions',
        block_id: 'decision',
        elements: [
          {
            type: 'button',
            action_id: 'approve',
            text: { type: 'plain_text', text: 'Approve' },
            style: 'primary',
            value: 'r-1234',
            confirm: {
              title: { type: 'plain_text', text: 'Roll back prod?' },
              text: { type: 'mrkdwn', text: 'api-gateway goes back to revision 41.' },
              confirm: { type: 'plain_text', text: 'Roll back' },
              deny: { type: 'plain_text', text: 'Cancel' },
            },
          },
          {
            type: 'button',
            action_id: 'deny',
            text: { type: 'plain_text', text: 'Deny' },
            style: 'danger',
            value: 'r-1234',
          },
        ],
      },
    ] as Record<string, unknown>[],
  };
}

export function rollbackModal() {
  return {
    type: 'modal',
    callback_id: 'ops_rollback',
    private_metadata: JSON.stringify({ channel: C_OPS }),
    title: { type: 'plain_text', text: 'Rollback' },
    submit: { type: 'plain_text', text: 'Request' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: 'service',
        label: { type: 'plain_text', text: 'Service' },
        element: {
          type: 'static_select',
          action_id: 'service',
          placeholder: { type: 'plain_text', text: 'Pick a service' },
          options: [
            { text: { type: 'plain_text', text: 'api-gateway' }, value: 'api-gateway' },
            { text: { type: 'plain_text', text: 'billing' }, value: 'billing' },
          ],
        },
      },
      {
        type: 'input',
        block_id: 'reason',
        label: { type: 'plain_text', text: 'Reason' },
        hint: { type: 'plain_text', text: 'Shown to the approver and kept in the audit log.' },
        element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: 500 },
      },
    ] as Record<string, unknown>[],
  };
}
