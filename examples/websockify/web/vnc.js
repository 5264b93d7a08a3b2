// Connects stock noVNC to the websockify-compatible endpoint of the gateway that served this
// page. Query: ?path=websockify%3Ftoken%3Dvnc1 (noVNC's own 'path' setting, default
// 'websockify') and &subprotocol=binary|base64.
//
// noVNC 1.x speaks binary only (its base64 support ended with 1.0). For base64, noVNC is given
// a WebSocket-like channel (its documented 'urlOrChannel' argument) that speaks base64 to the
// server and binary to noVNC: noVNC itself stays unmodified.
import RFB from './novnc/core/rfb.js';
import { Base64Channel } from './base64-channel.js';

const params = new URLSearchParams(location.search);
const path = params.get('path') ?? 'websockify';
const subprotocol = params.get('subprotocol') ?? 'binary';
const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/${path}`;
const status = document.getElementById('status');

const target = subprotocol === 'base64' ? new Base64Channel(url) : url;
const rfb = new RFB(document.getElementById('screen'), target, { wsProtocols: [subprotocol] });
rfb.scaleViewport = false;
rfb.focusOnClick = true;

/** What tests (and curious users) can read: the RFB lifecycle as noVNC reports it. */
window.vnc = { rfb, connected: false, disconnected: null, desktopName: null };
rfb.addEventListener('connect', () => {
  window.vnc.connected = true;
  status.textContent = `connected (${subprotocol})`;
});
rfb.addEventListener('disconnect', (e) => {
  window.vnc.disconnected = { clean: e.detail.clean };
  status.textContent = `disconnected${e.detail.clean ? '' : ' (unclean)'}`;
});
rfb.addEventListener('desktopname', (e) => { window.vnc.desktopName = e.detail.name; });
status.textContent = `connecting to ${url}`;
