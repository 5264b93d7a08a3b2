// Stock noVNC (npm @novnc/novnc, unmodified) in headless Chromium, through
// 'cometgate websockify', to a real VNC server: x11vnc on its own Xvfb display, with an xterm
// on it. With the 'binary' and the 'base64' subprotocol: the page gets the RFB 'connect'
// event and a framebuffer with pixels in it, and keys typed into the page reach the xterm,
// which writes the line it read to a file the test reads back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  ROOT, EXAMPLES, JAR, requireBinaries, tempDir, startProcess, waitForPort, stopProcess, launchBrowser, removeDir,
  explained, sleep,
} from './harness.js';

const XVFB = '/usr/bin/Xvfb';
const X11VNC = '/usr/bin/x11vnc';
const XTERM = '/usr/bin/xterm';
const NOVNC = path.join(ROOT, 'examples', 'test', 'node_modules', '@novnc', 'novnc');

/** A port nothing listens on right now (the OS picks it; loopback only). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Xvfb on a display number it picks itself (-displayfd), so parallel runs never collide. */
async function startXvfb(dir) {
  const proc = startProcess('Xvfb', XVFB, ['-displayfd', '3', '-screen', '0', '800x600x24', '-nolisten', 'tcp'],
    { cwd: dir, logFile: path.join(dir, 'xvfb.log'), extraPipe: true });
  const display = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb chose no display within 20 s; log ${proc.logFile}`)), 20000);
    proc.stdio[3].on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) { clearTimeout(timer); resolve(`:${text.trim()}`); }
    });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Xvfb exited (${code}); log ${proc.logFile}`)); });
  });
  return { proc, display };
}

for (const subprotocol of ['binary', 'base64']) {
  test(`stock noVNC sees the desktop and types into it through cometgate websockify (${subprotocol})`, async (t) => {
    if (!requireBinaries(t, { [XVFB]: 'xvfb', [X11VNC]: 'x11vnc', [XTERM]: 'xterm' })) return;
    assert.ok(existsSync(path.join(NOVNC, 'core', 'rfb.js')), 'npm ci in examples/test installs @novnc/novnc');
    const tmp = tempDir(`novnc-${subprotocol}`);
    let xvfb; let x11vnc; let xterm; let gateway; let browser;
    t.after(async () => {
      await browser?.close().catch(() => {});
      await stopProcess(gateway);
      await stopProcess(x11vnc);
      await stopProcess(xterm);
      await stopProcess(xvfb?.proc);
      removeDir(tmp);
    });

    xvfb = await startXvfb(tmp);
    const env = { DISPLAY: xvfb.display };
    const typed = path.join(tmp, 'typed.txt');
    // The line goes to a side file first and is renamed into place, so the file the test waits for
    // appears with its content: '>' creates it empty before printf writes, and a poll between the
    // two read '' (CI, stop 19).
    // The xterm fills the screen, so it is under the pointer and has the keyboard focus (no window manager).
    xterm = startProcess('xterm', XTERM, ['-geometry', '132x46+0+0', '-e', 'sh', '-c', `IFS= read -r line; printf '%s' "$line" > '${typed}.part' && mv '${typed}.part' '${typed}'; sleep 60`],
      { cwd: tmp, env, logFile: path.join(tmp, 'xterm.log') });
    const vncPort = await freePort();
    x11vnc = startProcess('x11vnc', X11VNC, ['-display', xvfb.display, '-rfbport', String(vncPort), '-localhost', '-nopw',
      '-forever', '-shared', '-noshm', '-noxdamage', '-quiet'], { cwd: tmp, env, logFile: path.join(tmp, 'x11vnc.log') });
    await waitForPort(vncPort, x11vnc, 30000);

    // The page and noVNC, byte for byte, in one directory served by --web.
    const web = path.join(tmp, 'web');
    cpSync(path.join(EXAMPLES, 'websockify', 'web'), web, { recursive: true });
    cpSync(path.join(NOVNC, 'core'), path.join(web, 'novnc', 'core'), { recursive: true });
    cpSync(path.join(NOVNC, 'vendor'), path.join(web, 'novnc', 'vendor'), { recursive: true });
    const tokens = path.join(tmp, 'tokens');
    writeFileSync(tokens, `# websockify token file\ndesktop: localhost:${vncPort}\n`);
    const port = await freePort();
    gateway = startProcess('cometgate', 'java', ['-jar', JAR, 'websockify', '--web', web, '--token-source', tokens, `127.0.0.1:${port}`],
      { cwd: tmp, logFile: path.join(tmp, 'gateway.log') });
    await waitForPort(port, gateway, 60000);

    browser = await launchBrowser();
    const page = await browser.newPage();
    const logs = ['gateway.log', 'x11vnc.log', 'xvfb.log'].map((f) => path.join(tmp, f));
    await explained(() => page, logs, async () => {
      await page.goto(`http://127.0.0.1:${port}/index.html?path=${encodeURIComponent('websockify?token=desktop')}&subprotocol=${subprotocol}`);
      await page.waitForFunction(() => window.vnc?.connected === true || window.vnc?.disconnected, null, { timeout: 30000 });
      assert.equal(await page.evaluate(() => window.vnc.disconnected), null, 'noVNC connected and stayed connected');
      assert.equal(await page.textContent('#status'), `connected (${subprotocol})`);

      // The framebuffer arrived: the xterm's white background is on noVNC's canvas.
      await page.waitForFunction(() => {
        const canvas = document.querySelector('#screen canvas');
        if (!canvas || canvas.width < 100) return false;
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let lit = 0;
        for (let i = 0; i < pixels.length; i += 4) if (pixels[i] + pixels[i + 1] + pixels[i + 2] > 600) lit++;
        return lit > 10000;
      }, null, { timeout: 30000 });

      // Keystrokes: into noVNC's canvas, through the gateway and x11vnc, into the xterm.
      await page.click('#screen canvas', { position: { x: 200, y: 200 } });
      await page.keyboard.type(`cometgate-${subprotocol}-ok`, { delay: 30 });
      await page.keyboard.press('Enter');
      const end = Date.now() + 20000;
      while (!existsSync(typed) && Date.now() < end) await sleep(100);
      assert.ok(existsSync(typed), 'the xterm read a line from the keyboard');
      assert.equal(readFileSync(typed, 'utf8'), `cometgate-${subprotocol}-ok`);

      // The gateway counted the connection under the subprotocol the page asked for.
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      // (client_java prints labels in alphabetical order and values as floats.)
      assert.match(metrics, new RegExp(`cometgate_raw_connections_total\\{subprotocol="${subprotocol}",transport="websockify"\\} 1(\\.0)?\\b`));
    });
  });
}
