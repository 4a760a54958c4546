/**
 * Slack's Socket Mode server side (TESTING.md §1.4): a `ws` server that says `hello` to each client, sends
 * envelopes and waits for the client's ack `{ envelope_id, payload }`. Hand it to `startFakeSlack({ socketMode })`
 * so `apps.connections.open` returns its URL. Stop the Bolt app before closing it, or the client reconnects.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export type SocketModeEnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketModeEnvelope {
  type: SocketModeEnvelopeType;
  /** The JSON object Slack would have form-encoded or posted in HTTP mode (no signature in Socket Mode). */
  payload: Record<string, unknown>;
  envelope_id?: string;
  accepts_response_payload?: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketModeAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
  /** ms between sending the envelope and receiving this ack. */
  ms: number;
}

export interface FakeSocketMode {
  /** A fresh `ws://…/link/?ticket=…` URL, as `apps.connections.open` hands out. */
  issueUrl(): string;
  /** Every URL issued so far (one per `apps.connections.open`). */
  readonly issuedUrls: string[];
  readonly connectionCount: number;
  readonly acks: SocketModeAck[];
  /** Resolves once a client is connected and has been sent `hello`. */
  waitForConnection(timeoutMs?: number): Promise<void>;
  /** Sends an envelope to the newest client; resolves with its ack, rejects after `timeoutMs` (Slack's 3 s). */
  send(envelope: SocketModeEnvelope, opts?: { timeoutMs?: number }): Promise<SocketModeAck>;
  sendSlashCommand(payload: Record<string, unknown>, opts?: { timeoutMs?: number }): Promise<SocketModeAck>;
  sendInteractive(payload: Record<string, unknown>, opts?: { timeoutMs?: number }): Promise<SocketModeAck>;
  /** Sends `{type:'disconnect', reason}`: the client should reconnect via `apps.connections.open`. */
  disconnectClients(reason?: 'warning' | 'refresh_requested' | 'too_many_websockets'): void;
  close(): Promise<void>;
}

export async function startFakeSocketMode(opts: { appId?: string } = {}): Promise<FakeSocketMode> {
  const appId = opts.appId ?? 'A01OPSBOT1';
  const http = createServer((_req, res) => res.writeHead(426).end('upgrade required'));
  const wss = new WebSocketServer({ server: http });
  const clients: WebSocket[] = [];
  const acks: SocketModeAck[] = [];
  const issuedUrls: string[] = [];
  const pending = new Map<string, { sentAt: number; resolve: (ack: SocketModeAck) => void }>();
  const connectWaiters: Array<() => void> = [];

  wss.on('connection', (ws) => {
    clients.push(ws);
    ws.on('close', () => clients.splice(clients.indexOf(ws), 1));
    ws.on('message', (data) => {
      let message: { envelope_id?: unknown; payload?: Record<string, unknown> };
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      if (typeof message.envelope_id !== 'string') return;
      const waiter = pending.get(message.envelope_id);
      const ack: SocketModeAck = {
        envelope_id: message.envelope_id,
        payload: message.payload,
        ms: waiter ? Date.now() - waiter.sentAt : 0,
      };
      acks.push(ack);
      pending.delete(message.envelope_id);
      waiter?.resolve(ack);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: clients.length,
        debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: appId },
      }),
    );
    for (const wake of connectWaiters.splice(0)) wake();
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  const waitForConnection = (timeoutMs = 3000) =>
    new Promise<void>((resolve, reject) => {
      if (clients.length > 0) return resolve();
      const timer = setTimeout(
        () => reject(new Error(`no Socket Mode client connected within ${timeoutMs} ms`)),
        timeoutMs,
      );
      connectWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  const send = async (envelope: SocketModeEnvelope, { timeoutMs = 3000 } = {}): Promise<SocketModeAck> => {
    await waitForConnection(timeoutMs);
    const envelopeId = envelope.envelope_id ?? randomUUID();
    const accepts =
      envelope.accepts_response_payload ??
      (envelope.type === 'slash_commands' ||
        (envelope.type === 'interactive' &&
          ['view_submission', 'block_suggestion'].includes(String(envelope.payload.type))));
    const ws = clients.at(-1) as WebSocket;
    return new Promise<SocketModeAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(envelopeId);
        reject(new Error(`no ack for ${envelope.type} envelope ${envelopeId} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(envelopeId, {
        sentAt: Date.now(),
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
      });
      ws.send(JSON.stringify({ ...envelope, envelope_id: envelopeId, accepts_response_payload: accepts }));
    });
  };

  return {
    issueUrl() {
      const url = `ws://127.0.0.1:${port}/link/?ticket=${randomUUID()}&app_id=${appId}`;
      issuedUrls.push(url);
      return url;
    },
    issuedUrls,
    get connectionCount() {
      return clients.length;
    },
    acks,
    waitForConnection,
    send,
    sendSlashCommand: (payload, o) => send({ type: 'slash_commands', payload }, o),
    sendInteractive: (payload, o) => send({ type: 'interactive', payload }, o),
    disconnectClients(reason = 'refresh_requested') {
      for (const ws of clients)
        ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } }));
    },
    async close() {
      // Bolt's app.stop() resolves before the close handshake ends, so finish it here rather than cut the socket.
      await Promise.all(
        [...clients].map(
          (ws) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => {
                ws.terminate();
                resolve();
              }, 1000);
              ws.once('close', () => {
                clearTimeout(timer);
                resolve();
              });
              if (ws.readyState === ws.OPEN) ws.close(1001, 'going away');
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
