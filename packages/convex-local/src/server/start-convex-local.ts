import { mkdir } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import type { Engine, EngineOptions } from "../engine/types.ts";
import { createEngine as createDefaultEngine, type PersistentEngine } from "../engine/create-engine.ts";
import { DeployService } from "../deploy/deploy-service.ts";
import { DeployStore } from "../deploy/deploy-store.ts";
import { resolveAdminKey } from "./resolve-admin-key.ts";
import { createCloudRouter } from "./create-cloud-router.ts";
import { FunctionLogStream } from "./function-log-stream.ts";
import { closeServer, listen } from "./listen.ts";
import { toWebRequest, writeWebResponse } from "./node-fetch-bridge.ts";
import { internalErrorReply } from "./internal-error-reply.ts";
import { isCodedError } from "../deploy/coded-error.ts";
import {
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_QUEUE_TIMEOUT_MS,
  limitEngineConcurrency,
  type QueueTimeouts,
} from "./limit-engine-concurrency.ts";
import { deployedFunctionType } from "./deployed-function-type.ts";
import { createSiteHandler } from "./create-site-handler.ts";
import { SyncHub } from "./sync-hub.ts";
import { SystemQueries } from "./system-queries.ts";
import { SnapshotService } from "./snapshot-service.ts";
import { packageVersion } from "../package-version.ts";

/** Reported by `GET /version`. */
export const CONVEX_LOCAL_VERSION = `convex-local ${packageVersion()}`;

export type ConvexLocalOptions = {
  /** Cloud port (Convex API, CLI, clients). Default 3210; 0 picks a free port. */
  port?: number;
  /** Site port (HTTP actions). Default 3211; 0 picks a free port. */
  sitePort?: number;
  /** Where all state lives. Default `.convex-local` (relative to the working directory). */
  dataDir?: string;
  /** Admin key; by default the persisted one, generated on first start. */
  adminKey?: string;
  /**
   * At most this many queries and mutations, and separately this many actions
   * and HTTP actions, run at once; later calls from clients wait in line.
   * Default 16, as on Convex's smallest deployment class.
   */
  maxConcurrency?: number;
  /**
   * How long a call waits in line for one of those slots before it is
   * refused with Convex's `TooManyConcurrentRequests` (429, or a 1013 socket
   * close), in ms; 0 waits without bound. Default: no bound (see
   * `DEFAULT_QUEUE_TIMEOUT_MS`); `CONVEX_QUEUE_TIMEOUT_MS` is Convex's 5 s
   * for queries and mutations and 10 s for actions and HTTP actions.
   */
  queueTimeoutMs?: Partial<QueueTimeouts>;
  /** The largest file upload (`/api/storage/upload`) accepted, in bytes. Default 256 MiB. */
  maxUploadBytes?: number;
  /** Put stack traces of convex-local's own failures in its 500 responses (they always go to stderr). Default false. */
  devErrors?: boolean;
  /** Engine factory; defaults to the convex-test based engine. For embedding and tests. */
  createEngine?: (options: EngineOptions) => Promise<Engine>;
};

export type ConvexLocal = {
  cloudUrl: string;
  siteUrl: string;
  adminKey: string;
  dataDir: string;
  stop(): Promise<void>;
};

/**
 * Starts convex-local: binds the cloud and site ports on 127.0.0.1, opens
 * the data dir, creates the engine, re-deploys the last pushed app and
 * serves the Convex CLI (self-hosted mode) and clients. `GET /version`
 * answers 200 once the returned promise has resolved; requests arriving
 * earlier get 503.
 *
 * @example
 * ```ts
 * const local = await startConvexLocal({ port: 0, sitePort: 0, dataDir: "/tmp/app-data" });
 * // CONVEX_SELF_HOSTED_URL=local.cloudUrl CONVEX_SELF_HOSTED_ADMIN_KEY=local.adminKey npx convex dev --once
 * await local.stop();
 * ```
 */
export async function startConvexLocal(options: ConvexLocalOptions = {}): Promise<ConvexLocal> {
  const dataDir = path.resolve(options.dataDir ?? ".convex-local");
  await mkdir(dataDir, { recursive: true });
  const store = DeployStore.open(dataDir);
  // Shutdown order: stop accepting requests, then close sockets, the deploy
  // side, the engine and finally the store.
  const resources: {
    servers: http.Server[];
    logs?: FunctionLogStream;
    hub?: SyncHub;
    deploy?: DeployService;
    engine?: Engine;
  } = { servers: [] };
  const cleanup = async () => {
    resources.logs?.wakeAll();
    // Upgraded (WebSocket) connections keep a server's close pending until
    // the hub closes them, so close both concurrently.
    const serversClosed = Promise.all(resources.servers.map(closeServer));
    await resources.hub?.close();
    await serversClosed;
    await resources.deploy?.close();
    await resources.engine?.close();
    store.close();
  };
  try {
    const adminKey = resolveAdminKey(store, options.adminKey);
    let cloudHandler: http.RequestListener = notReady;
    let siteHandler: http.RequestListener = notReady;
    const cloudServer = http.createServer((req, res) => cloudHandler(req, res));
    const siteServer = http.createServer((req, res) => siteHandler(req, res));
    resources.servers.push(cloudServer, siteServer);
    const cloudPort = await listen(cloudServer, options.port ?? 3210);
    const sitePort = await listen(siteServer, options.sitePort ?? 3211);
    const cloudUrl = `http://127.0.0.1:${cloudPort}`;
    const siteUrl = `http://127.0.0.1:${sitePort}`;

    const createEngine = options.createEngine ?? createDefaultEngine;
    const rawEngine = await createEngine({
      dataDir,
      cloudUrl,
      siteUrl,
      ...(options.maxUploadBytes !== undefined ? { maxUploadBytes: options.maxUploadBytes } : {}),
    });
    resources.engine = rawEngine;
    const deploy = new DeployService({
      dataDir,
      store,
      engine: rawEngine,
      systemEnv: { CONVEX_CLOUD_URL: cloudUrl, CONVEX_SITE_URL: siteUrl },
    });
    resources.deploy = deploy;
    await deploy.restore();
    const { engine } = limitEngineConcurrency(
      rawEngine,
      options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      (request) => deployedFunctionType(deploy, request.componentPath, request.udfPath),
      { ...DEFAULT_QUEUE_TIMEOUT_MS, ...options.queueTimeoutMs },
    );
    const devErrors = options.devErrors === true;

    const logs = new FunctionLogStream();
    // `npx convex data`, `export` and `import` read and write the engine's data directly, when it offers that.
    const adminData = (rawEngine as Partial<PersistentEngine>).adminData ?? null;
    const snapshots = new SnapshotService({ data: adminData, notify: () => hub.notifyCommit() });
    const systemQueries = new SystemQueries({ deploy, cloudUrl, data: adminData, snapshots });
    const hub = new SyncHub({ engine, systemQueries, adminKey, logs });
    hub.attach(cloudServer);
    resources.hub = hub;
    resources.logs = logs;
    const site = createSiteHandler(deploy, { engine, adminKey, logs });
    cloudHandler = createCloudRouter({
      adminKey,
      cloudUrl,
      siteUrl,
      deploy,
      engine,
      logs,
      hub,
      site,
      systemQueries,
      snapshots,
      version: CONVEX_LOCAL_VERSION,
      devErrors,
    });
    siteHandler = (req, res) => {
      void (async () => writeWebResponse(res, await site(toWebRequest(req)), req.method))().catch((error: unknown) => {
        if (res.headersSent) return res.destroy();
        // A refusal the backend answers itself (TooManyConcurrentRequests): its code and status.
        if (isCodedError(error)) {
          const body = JSON.stringify({ code: error.code, message: error.message });
          return res.writeHead(error.status, { "content-type": "application/json" }).end(body);
        }
        const reply = internalErrorReply(error, { devErrors, label: `${req.method} ${req.url} (site)` });
        res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
      });
    };

    let stopping: Promise<void> | null = null;
    return {
      cloudUrl,
      siteUrl,
      adminKey,
      dataDir,
      stop: () => (stopping ??= cleanup()),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function notReady(_req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(503, { "content-type": "application/json" });
  res.end(JSON.stringify({ code: "NotReady", message: "convex-local is starting." }));
}
