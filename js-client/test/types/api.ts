// Type checks for what the README examples do not show; compiled by test/types.test.js.
// A line marked @ts-expect-error fails the build if it ever compiles.
import {
  TCPSocket, CometSocket, Session, CloseCode, SocketErrorEvent, PARTITION_MARGIN_MS,
  type SessionCloseEvent, type TransportName,
} from 'cometgate-client';

const socket = new TCPSocket('echo', undefined, { closeOnPageHide: false, ackTimeoutMs: 4000 });
// The channel listener is internal: no such members on the public object.
// @ts-expect-error onData is not part of TCPSocket
socket.onData = () => {};
// @ts-expect-error onClosed is not part of TCPSocket
socket.onClosed = () => {};
socket.addEventListener('close', (e) => { const code: number = e.code; void code; });

const ws = new CometSocket('stomp', ['v12.stomp'], { text: true });
ws.onerror = (e) => {
  const ok: SocketErrorEvent = e;
  const code: number | undefined = e.code;
  void ok; void code;
};
ws.addEventListener('message', (e) => { const data: string | ArrayBuffer | Blob = e.data; void data; });

const session: Session = Session.for(undefined, { transports: ['websocket', 'xhr-polling'] });
session.addEventListener('open', (e) => { const t: TransportName = e.transport; void t; });
session.addEventListener('reconnecting', (e) => { const why: string = e.reason; void why; });
session.addEventListener('close', (e: SessionCloseEvent) => {
  if (e.code === CloseCode.SESSION_EXPIRED) console.log(e.reason);
});
// @ts-expect-error a close event has no transport
session.addEventListener('close', (e) => e.transport);

const margin: 5000 = PARTITION_MARGIN_MS;
void margin;
