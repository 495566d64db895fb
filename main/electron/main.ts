// The desktop app's main process: one window showing the built renderer from app://quench/ (a
// privileged custom protocol serving dist/renderer, rather than file:// whose origin every local file
// shares), the service behind IPC (ipc.ts), an application menu. Electron's security defaults, all
// on: contextIsolation, sandbox (for every renderer: app.enableSandbox), no Node in the page, a strict
// Content-Security-Policy on every response, no remote content (requests to http(s) and ws(s) are
// cancelled), no permissions, no navigation away from the app, no new windows, no <webview>;
// links to the web open in the system browser.
//
// A second, hidden window shows the GPU host page (renderer/gpu-host.html): its WebGL2 reaches the
// real GPU, and it runs the gpujs-webgl backend's simulations for the service (gpu-host-ipc.ts).
//
// Started by `npm start` (bin/desktop.js). Arguments: --archive PATH (else $QUENCH_ARCHIVE, else the
// data folder), --threads N.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell, type MenuItemConstructorOptions, type WebContents } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gpuHost, registerGpuHostBackend } from '../gpu-host.js';
import type { QuenchService } from '../service.js';
import { CONTENT_SECURITY_POLICY } from '../service/security.js';
import { rendererDir, resolveStatic } from '../service/static-files.js';
import { GpuHostIpc } from './gpu-host-ipc.js';
import { IpcManager, isTrustedUrl } from './ipc.js';

const SCHEME = 'app';
const HOST = 'quench';
const APP_URL = `${SCHEME}://${HOST}/`;
const TRUSTED = [APP_URL];
const GPU_PAGE = `${APP_URL}gpu-host.html`;
const here = fileURLToPath(new URL('.', import.meta.url));

// before the app is ready: app:// behaves like https (a secure, standard origin the page's modules,
// fetch and blob: URLs work from), and every renderer is sandboxed
protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

function option(name: string): string | undefined {
  const argv = process.argv;
  const i = argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < argv.length) return argv[i + 1];
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** Opens http(s) and mailto links in the system browser; anything else is dropped. */
function openExternally(url: string): void {
  try {
    const { protocol: p } = new URL(url);
    if (p === 'https:' || p === 'http:' || p === 'mailto:') void shell.openExternal(url);
  } catch {
    // not a URL: nothing to open
  }
}

/** dist/renderer over app://quench/, with the policy on every file and no way out of the folder. */
function serveRenderer(): void {
  const root = rendererDir();
  protocol.handle(SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== HOST) return new Response('not found', { status: 404 });
    const r = resolveStatic(root, url.pathname);
    if (!r.ok) return new Response(r.message, { status: r.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    return new Response(await readFile(r.file), {
      headers: { 'Content-Type': r.contentType, 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' },
    });
  });
}

function lockDownSession(): void {
  const s = session.defaultSession;
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  // no remote content: the app loads nothing from the network
  s.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (_details, callback) => callback({ cancel: true }));
  s.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

/** Every webContents: no new windows, no navigation away from the app, no <webview>. */
function guard(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  const stay = (event: Electron.Event, url: string) => {
    if (isTrustedUrl(url, TRUSTED)) return;
    event.preventDefault();
    openExternally(url);
  };
  contents.on('will-navigate', stay);
  contents.on('will-redirect', stay);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

let service: QuenchService | null = null;
let window: BrowserWindow | null = null;
let ipc: IpcManager | null = null;
let gpuWindow: BrowserWindow | null = null;
let gpuIpc: GpuHostIpc | null = null;

/** Every window's web preferences: Electron's security defaults, all on, stated */
function lockedDown(): Electron.WebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: !app.isPackaged,
  };
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1320,
    height: 880,
    minWidth: 900,
    minHeight: 600,
    title: 'Quench',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: { ...lockedDown(), preload: join(here, 'preload.cjs') },
  });
  win.once('ready-to-show', () => win.show());
  ipc!.attach(win.webContents);
  win.on('closed', () => {
    if (window === win) window = null;
    // the hidden GPU window must not keep the app alive once the app's window is closed
    if (process.platform !== 'darwin') gpuWindow?.destroy();
  });
  void win.loadURL(`${APP_URL}index.html`);
  return win;
}

/** The hidden window of the GPU host page: Chromium's WebGL2 on the real GPU, for gpujs-webgl. */
function createGpuHostWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 640,
    height: 360,
    title: 'Quench GPU host',
    show: false,
    // a hidden window's timers are throttled by default: its loop would crawl
    webPreferences: { ...lockedDown(), preload: join(here, 'gpu-host-preload.cjs'), backgroundThrottling: false },
  });
  // closing it from its menu hides it: the backend keeps its host
  win.on('close', (event) => {
    if (!quitting) {
      event.preventDefault();
      win.hide();
    }
  });
  win.on('closed', () => {
    gpuHost.disconnect('the hidden GPU window closed');
    if (gpuWindow === win) gpuWindow = null;
  });
  win.webContents.on('render-process-gone', (_event, details) => gpuHost.disconnect(`the hidden GPU window's page stopped (${details.reason})`));
  void win.loadURL(GPU_PAGE);
  return win;
}

function buildMenu(svc: QuenchService): void {
  const isMac = process.platform === 'darwin';
  const about = () =>
    void dialog.showMessageBox({
      type: 'info',
      title: 'About Quench',
      message: `Quench ${app.getVersion()}`,
      detail: `Recurrent networks with quenched time-constant heterogeneity, on hundreds of temporal tasks.\n\nArchive: ${svc.archivePath}\nElectron ${process.versions.electron}, Node ${process.versions.node}, Chromium ${process.versions.chrome}`,
    });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Show Archive in Folder', click: () => shell.showItemInFolder(svc.archivePath) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' } as MenuItemConstructorOptions]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      role: 'windowMenu',
      submenu: [
        { role: 'minimize' },
        { role: 'zoom' },
        { type: 'separator' },
        // the page that runs gpujs-webgl: what GPU it found, what it has simulated
        { label: 'GPU Host', click: () => (gpuWindow ?? (gpuWindow = createGpuHostWindow())).show() },
      ],
    },
    { role: 'help', submenu: [{ label: 'About Quench', click: about }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function start(): Promise<void> {
  lockDownSession();
  serveRenderer();
  let Service: typeof QuenchService;
  try {
    // the service loads better-sqlite3, a native module that must be built for Electron's ABI
    ({ QuenchService: Service } = await import('../service.js'));
  } catch (err) {
    const message = (err as Error).message;
    // the advice about the native binding only where the binding is what failed
    const binding = /better_sqlite3|better-sqlite3|NODE_MODULE_VERSION/.test(message)
      ? `\n\nThe SQLite binding (better-sqlite3) must be built for this Electron (ABI ${process.versions.modules}). ` +
        'In the source folder run: npx electron-builder install-app-deps (and, for the command line and the tests afterwards: npm rebuild better-sqlite3).'
      : '';
    dialog.showErrorBox('Quench cannot open its archive', `${message}${binding}`);
    app.exit(1);
    return;
  }
  // the backends this app offers, the GPU host's included: registered where the app is put together
  registerGpuHostBackend();
  const threads = option('threads');
  service = new Service({ archive: option('archive'), threads: threads === undefined ? undefined : Number(threads) });
  ipc = new IpcManager({ ipcMain, service, trustedPrefixes: TRUSTED });
  ipc.register();
  buildMenu(service);
  window = createWindow();
  gpuIpc = new GpuHostIpc({ ipcMain, broker: gpuHost, pageUrl: GPU_PAGE });
  gpuIpc.register();
  gpuWindow = createGpuHostWindow();
}

let closed = false;
let quitting = false;

if (!app.requestSingleInstanceLock()) {
  // one window per user: a second launch brings the first forward
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('web-contents-created', (_event, contents) => guard(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (service && !window) window = createWindow();
  });
  app.on('before-quit', (event) => {
    quitting = true;
    // cancel running jobs (their finished runs are archived) and close the archive first
    if (closed || !service) return;
    event.preventDefault();
    const svc = service;
    void svc.close().finally(() => {
      closed = true;
      ipc?.dispose();
      gpuIpc?.dispose();
      app.quit();
    });
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      dialog.showErrorBox('Quench could not start', err instanceof Error ? (err.stack ?? err.message) : String(err));
      app.exit(1);
    });
}
