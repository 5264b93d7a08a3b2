/**
 * cometgate browser client: TCP sockets for web pages through a cometgate gateway.
 * The gateway serves this file as `/cometgate.js`; everything is re-exported from here.
 * @module
 */

export { TCPSocket } from './tcp-socket.js';
export { CometSocket } from './comet-socket.js';
export { Session, defaultGateway, resolveGateway } from './session.js';
export { PARTITION_MARGIN_MS } from './liveness.js';
export { CloseCode, CometGateError, closeCodeName, closeCodeDescription, isCleanClose } from './codes.js';
export {
  FrameType, FrameError, HEADER_SIZE, DEFAULT_MAX_FRAME, encodeFrame, encodeBatch, decodeBatch,
  frameTypeName, isSequenced,
} from './frame.js';
export { encodeBase64, decodeBase64 } from './base64.js';
export { SocketCloseEvent, SocketErrorEvent, SocketDataEvent } from './events.js';
export {
  Transport, TransportError, ALL_TRANSPORTS, TRANSPORT_NAMES, WebSocketTransport,
  XhrStreamingTransport, EventSourceTransport, XhrPollingTransport, HtmlFileTransport,
  JsonpPollingTransport,
} from './transports/index.js';
