// Type declarations for the cometgate browser client (src/index.js). Hand-written to match the
// JSDoc in the modules; the modules are the source of truth.

export type TransportName =
  | 'websocket' | 'xhr-streaming' | 'eventsource' | 'xhr-polling' | 'htmlfile' | 'jsonp-polling';

export interface SessionOptions {
  /** Force one transport, or give an ordered list to try. Default: every transport available here. */
  transports?: TransportName | TransportName[] | string | string[];
  /** Per attempt: how long a transport may take to prove itself (default 10000). */
  connectTimeoutMs?: number;
  /**
   * The longest one upstream POST may take (default 40000); the answer deadline for its size
   * (see `ackTimeoutMs`) ends it sooner. Long polls time out with the liveness deadline instead.
   */
  requestTimeoutMs?: number;
  /** Reconnect backoff start (default 250) and ceiling (default 10000). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Keep an idle session this long after its last socket closed (default 5000). */
  lingerMs?: number;
  /** Acknowledge received frames within this long (default 200) / every this many bytes (default 32768). */
  ackDelayMs?: number;
  ackBytes?: number;
  /** Largest a channel's receive window grows to while data arrives fast (default 1 MiB, docs/PROTOCOL.md "Growing windows"). */
  maxWindow?: number;
  /** The sum of a session's channel receive windows grows no further (default 2 MiB). */
  windowBudget?: number;
  /**
   * Treat the transport as dead after this long without any bytes. Default: from HELLO,
   * 28.5 s (long polls 26 s) with the gateway's defaults; see docs/PROTOCOL.md "Liveness".
   */
  deadAfterMs?: number;
  /**
   * Frames sent and the gateway's ACK not advancing this long: the transport is replaced (default 5000, plus 1 ms per
   * 32 bytes outstanding, at most a batch and 32 KiB of them). Once ACKs were seen the base is the link's answer time
   * plus four variations, at least 1000 ms and at most this value.
   */
  ackTimeoutMs?: number;
  /**
   * The downstream quiet this long while the session waits for it (credit, an acknowledgement,
   * OPENED, or more of a transfer that stopped): a probe goes out, which the gateway answers at
   * once (default 1000; only with a gateway whose HELLO says `probe: true`).
   */
  probeAfterMs?: number;
  /** A probe unanswered on the downstream this long (plus 1 ms per 32 bytes outstanding): the transport is replaced (default 2500, htmlfile 2000). */
  probeTimeoutMs?: number;
  /** One attempt to reattach a session that had a transport (default 2000, or 3 times what the last successful attach took). */
  reattachTimeoutMs?: number;
  /** The longest pause between reattach attempts (default 500). */
  reattachMaxDelayMs?: number;
  /** Close the session when the page goes away (`pagehide`), so backends see the disconnect at once (default true). */
  closeOnPageHide?: boolean;
  /** Remember the last transport that worked in sessionStorage (default true). */
  rememberTransport?: boolean;
  /** The transport classes to choose from (tests inject fakes). */
  transportClasses?: ReadonlyArray<typeof Transport>;
}

export interface TCPSocketOptions extends SessionOptions {
  /** Gateway base URL; default: the origin this script was loaded from + '/cometgate'. */
  gateway?: string;
  /** Type of `data` event payloads (default 'arraybuffer'). */
  binaryType?: 'arraybuffer' | 'uint8array' | 'string';
  /** send() returns false above this many buffered bytes (default 65536). */
  highWaterMark?: number;
  /** Signed token for the access policy. */
  token?: string;
  /** Use this session instead of the shared one. */
  session?: Session;
}

export interface TCPSocketOpenInfo {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array | ArrayBuffer | ArrayBufferView | string>;
  remoteAddress: string;
  remotePort: number;
}

export declare class SocketCloseEvent extends Event {
  constructor(type: string, init?: { code?: number; reason?: string; wasClean?: boolean });
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

export declare class SocketErrorEvent extends Event {
  constructor(type: string, init?: { error?: unknown; message?: string });
  readonly error: CometGateError | undefined;
  readonly message: string;
  readonly code: number | undefined;
}

export declare class SocketDataEvent<T = unknown> extends Event {
  constructor(type: string, init?: { data?: T });
  readonly data: T;
}

export interface TCPSocketEventMap {
  open: Event;
  data: SocketDataEvent<ArrayBuffer | Uint8Array | string>;
  drain: Event;
  error: SocketErrorEvent;
  close: SocketCloseEvent;
}

export declare class TCPSocket extends EventTarget {
  constructor(host: string, port?: number, options?: TCPSocketOptions);
  readonly target: string;
  readonly host: string;
  readonly port: number | null;
  readonly opened: Promise<TCPSocketOpenInfo>;
  readonly closed: Promise<void>;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array | ArrayBuffer | ArrayBufferView | string>;
  readonly readyState: 'connecting' | 'open' | 'closing' | 'closed';
  readonly remoteAddress: string | null;
  readonly remotePort: number | null;
  readonly bufferedAmount: number;
  readonly session: Session;
  binaryType: 'arraybuffer' | 'uint8array' | 'string';
  highWaterMark: number;
  send(data: string | ArrayBuffer | ArrayBufferView): boolean;
  close(): void;
  suspend(): void;
  resume(): void;
  onopen: ((this: TCPSocket, ev: Event) => unknown) | null;
  ondata: ((this: TCPSocket, ev: SocketDataEvent<ArrayBuffer | Uint8Array | string>) => unknown) | null;
  ondrain: ((this: TCPSocket, ev: Event) => unknown) | null;
  onerror: ((this: TCPSocket, ev: SocketErrorEvent) => unknown) | null;
  onclose: ((this: TCPSocket, ev: SocketCloseEvent) => unknown) | null;
  addEventListener<K extends keyof TCPSocketEventMap>(type: K, listener: (this: TCPSocket, ev: TCPSocketEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof TCPSocketEventMap>(type: K, listener: (this: TCPSocket, ev: TCPSocketEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

export interface CometSocketOptions extends Omit<TCPSocketOptions, 'binaryType'> {
  /** Deliver received bytes as UTF-8 decoded strings. */
  text?: boolean;
  /** Binary message data type (default 'arraybuffer'). */
  binaryType?: 'arraybuffer' | 'blob';
}

export declare class CometSocket extends EventTarget {
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSING: 2;
  static readonly CLOSED: 3;
  constructor(target: string, options?: CometSocketOptions);
  constructor(target: string, protocols: string | string[], options?: CometSocketOptions);
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;
  readonly url: string;
  readonly protocol: string;
  readonly extensions: string;
  readonly readyState: 0 | 1 | 2 | 3;
  readonly bufferedAmount: number;
  readonly socket: TCPSocket;
  binaryType: 'arraybuffer' | 'blob';
  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void;
  close(code?: number, reason?: string): void;
  onopen: ((this: CometSocket, ev: Event) => unknown) | null;
  onmessage: ((this: CometSocket, ev: SocketDataEvent<string | ArrayBuffer | Blob>) => unknown) | null;
  /** A WebSocket's `error` is a plain Event; this one is too, and also carries `error`, `code` and `message`. */
  onerror: ((this: CometSocket, ev: SocketErrorEvent) => unknown) | null;
  onclose: ((this: CometSocket, ev: SocketCloseEvent) => unknown) | null;
  addEventListener<K extends keyof CometSocketEventMap>(type: K, listener: (this: CometSocket, ev: CometSocketEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof CometSocketEventMap>(type: K, listener: (this: CometSocket, ev: CometSocketEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

export interface CometSocketEventMap {
  open: Event;
  message: SocketDataEvent<string | ArrayBuffer | Blob>;
  error: SocketErrorEvent;
  close: SocketCloseEvent;
}

export interface Hello {
  v: number; session: string; ack: number; heartbeatMs: number; timeoutMs: number;
  maxFrame: number; window: number; maxMessage?: number;
  /** The gateway answers a HEARTBEAT from the client at once on the downstream (docs/PROTOCOL.md "Liveness"). */
  probe: boolean;
}

/** `open` (the first transport proved itself) and `reconnect` (a replacement did). */
export interface SessionTransportEvent extends Event {
  readonly type: 'open' | 'reconnect';
  /** The transport now in use. */
  readonly transport: TransportName;
}

/** `reconnecting`: the transport went down; the session is trying to reattach. */
export interface SessionReconnectingEvent extends Event {
  readonly type: 'reconnecting';
  /** Why the transport went down, e.g. "nothing received for 26000 ms". */
  readonly reason: string;
}

/** `close`: the session is over (every socket closed with this code). */
export interface SessionCloseEvent extends Event {
  readonly type: 'close';
  readonly code: number;
  readonly reason: string;
}

export interface SessionEventMap {
  open: SessionTransportEvent;
  reconnecting: SessionReconnectingEvent;
  reconnect: SessionTransportEvent;
  close: SessionCloseEvent;
}

export declare class Session extends EventTarget {
  static for(gateway?: string, options?: SessionOptions): Session;
  constructor(gateway: string, options?: SessionOptions);
  readonly gateway: string;
  readonly state: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';
  readonly id: string | null;
  readonly hello: Hello | null;
  /** The transport in use (the last one that worked), e.g. 'websocket'. */
  readonly transportName: TransportName | string | null;
  close(code?: number, reason?: string): void;
  addEventListener<K extends keyof SessionEventMap>(type: K, listener: (this: Session, ev: SessionEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SessionEventMap>(type: K, listener: (this: Session, ev: SessionEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
  /** Test hook: drops the current transport as if the network had cut it. */
  _debugDropTransport(): void;
}

export declare function defaultGateway(): string | null;
export declare function resolveGateway(gateway?: string): string;

export declare const CloseCode: Readonly<{
  NORMAL: 1000; ABNORMAL: 1006; POLICY_VIOLATION: 1008; BACKEND_CLOSED: 4000; CONNECT_REFUSED: 4001;
  CONNECT_TIMEOUT: 4002; DNS_FAILURE: 4003; POLICY_DENIED: 4004; IDLE_TIMEOUT: 4005; PROTOCOL_ERROR: 4006;
  SESSION_EXPIRED: 4007; BACKEND_ERROR: 4008; LIMIT_EXCEEDED: 4009; GATEWAY_SHUTDOWN: 4010;
  LIFETIME_EXCEEDED: 4011; FLOW_CONTROL: 4012; BACKEND_TLS: 4013; SESSION_REPLACED: 4014; SESSION_UNKNOWN: 4015;
}>;

export declare class CometGateError extends Error {
  constructor(code: number, reason?: string);
  readonly code: number;
  readonly reason: string;
  readonly codeName: string;
}

export declare function closeCodeName(code: number): string;
export declare function closeCodeDescription(code: number): string;
export declare function isCleanClose(code: number): boolean;

export declare const FrameType: Readonly<{
  OPEN: 1; OPENED: 2; DATA: 3; CLOSE: 4; CREDIT: 5; ACK: 6; HEARTBEAT: 7; SESSION_CLOSE: 8; HELLO: 9;
}>;
export declare const HEADER_SIZE: 13;
export declare const DEFAULT_MAX_FRAME: 65536;
export interface Frame { type: number; channel: number; seq: number; payload: Uint8Array }
export declare class FrameError extends Error {
  constructor(message: string, offset: number);
  readonly offset: number;
}
export declare function encodeFrame(type: number, channel: number, seq: number, payload?: Uint8Array): Uint8Array;
export declare function encodeBatch(frames: Frame[]): Uint8Array;
export declare function decodeBatch(bytes: Uint8Array, options?: { maxFrame?: number; from?: 'gateway' | 'client' }): Frame[];
export declare function frameTypeName(type: number): string;
export declare function isSequenced(type: number): boolean;
export declare function encodeBase64(bytes: Uint8Array): string;
export declare function decodeBase64(text: string): Uint8Array;

export interface DownInfo { reason: string; status?: number; wsCode?: number; clean?: boolean }
export interface TransportContext {
  gateway: string;
  sessionId: string | null;
  takeAck(): number;
  onBatch(batch: Uint8Array): void;
  onDown(info: DownInfo): void;
  requestTimeoutMs: number;
  /** How long a POST of `bytes` may take on this link (the answer deadline); `requestTimeoutMs` caps it. */
  postTimeoutMs?(bytes: number): number;
  pollTimeoutMs: number;
}

export declare class Transport {
  static transportName: string;
  static createsSession: boolean;
  static attachesOnStart: boolean;
  static isAvailable(): boolean;
  constructor(ctx: TransportContext);
  readonly ctx: TransportContext;
  readonly closed: boolean;
  /** largest upstream batch in bytes (the session also keeps within HELLO's maxMessage) */
  maxBatch: number;
  /** DATA payload size for upstream chunks on this transport (at most HELLO's maxFrame) */
  dataChunk: number;
  start(): void;
  send(batch: Uint8Array): Promise<Uint8Array | void>;
  close(): void;
  stop(): void;
  down(info: DownInfo): void;
  deliver(batch: Uint8Array): void;
  url(path: string, params?: Record<string, string | number | null | undefined>): string;
}
export declare class TransportError extends Error {
  constructor(message: string, status?: number);
  readonly status: number | undefined;
}
export declare class WebSocketTransport extends Transport {}
export declare class XhrStreamingTransport extends Transport {}
export declare class EventSourceTransport extends Transport {}
export declare class XhrPollingTransport extends Transport {}
export declare class HtmlFileTransport extends Transport {}
export declare class JsonpPollingTransport extends Transport {}
export declare const PARTITION_MARGIN_MS: 5000;
export declare const ALL_TRANSPORTS: ReadonlyArray<typeof Transport>;
export declare const TRANSPORT_NAMES: ReadonlyArray<TransportName>;
