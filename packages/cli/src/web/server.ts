/**
 * The explorer's HTTP server (node:http, no framework): JSON endpoints under /api/, the front-end from a fixed
 * allow-list, GET/HEAD only. Bound to loopback by default; while it is, requests must also name a loopback host, so a
 * web page elsewhere cannot reach it through DNS rebinding.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { escapeControl, UserError } from "@aa-nas/core/errors.js";
import { StoreError } from "@aa-nas/core/bench/errors.js";
import type { ExplorerData } from "./explorer-data.js";
import { acceptsGzip, HttpError, SECURITY_HEADERS, sendError, sendJson } from "./http.js";
import { apiRoutes } from "./routes.js";
import { StaticFiles } from "./static-files.js";

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8201;

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

export interface HandlerOptions {
  /** reject requests whose Host header is not a loopback name (on by default when bound to loopback) */
  loopbackOnly: boolean;
  staticFiles?: StaticFiles;
  /** unexpected errors (bugs) are reported here; default stderr */
  onError?: (err: unknown) => void;
}

export function createRequestHandler(data: ExplorerData, opts: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const routes = apiRoutes(data);
  const files = opts.staticFiles ?? new StaticFiles();
  const onError = opts.onError ?? reportInternalError;
  return (req, res) => {
    const head = req.method === "HEAD";
    try {
      if (req.method !== "GET" && !head) {
        res.setHeader("Allow", "GET, HEAD");
        throw new HttpError(405, `method ${req.method ?? "?"} not allowed: the explorer is read-only (GET, HEAD)`);
      }
      if (opts.loopbackOnly && !isLoopbackHost(hostName(req.headers.host))) {
        throw new HttpError(403, `host '${req.headers.host ?? ""}' refused: this server answers loopback names only (localhost, 127.0.0.1, [::1])`);
      }
      const url = requestUrl(req.url ?? "/");
      if (url.pathname.startsWith("/api/")) {
        const route = routes.get(url.pathname);
        if (route === undefined) throw new HttpError(404, `no endpoint ${url.pathname}: endpoints are ${[...routes.keys()].join(", ")}`);
        sendJson(res, 200, route(url.searchParams), head, acceptsGzip(req));
        return;
      }
      const file = files.get(url.pathname);
      if (file === null) throw new HttpError(404, `not found: ${url.pathname}`);
      const body = file.gzipped !== null && acceptsGzip(req) ? file.gzipped : file.body;
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        "Content-Type": file.contentType,
        "Content-Length": body.length,
        "Cache-Control": file.maxAge > 0 ? `public, max-age=${file.maxAge}` : "no-cache",
        Vary: "Accept-Encoding",
        ...(body === file.gzipped ? { "Content-Encoding": "gzip" } : {}),
      });
      res.end(head ? undefined : body);
    } catch (err) {
      if (err instanceof HttpError) sendError(res, err.status, err.message, head);
      else if (err instanceof StoreError) {
        onError(err);
        sendError(res, 500, err.message, head);
      } else if (err instanceof UserError) sendError(res, 400, err.message, head);
      else {
        onError(err);
        sendError(res, 500, "internal error (details are in the server's log)", head);
      }
    }
  };
}

/**
 * The request target as a URL. Node's parser accepts any target the HTTP grammar lets through, e.g. `http://[`,
 * which the WHATWG URL parser then rejects: that is the client's fault (400), not the server's.
 */
function requestUrl(target: string): URL {
  try {
    return new URL(target, "http://localhost");
  } catch {
    throw new HttpError(400, `malformed request target ${escapeControl(target.slice(0, 200))}${target.length > 200 ? "…" : ""}`);
  }
}

function reportInternalError(err: unknown): void {
  process.stderr.write(`aa-nas serve: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
}

function hostName(header: string | undefined): string {
  if (header === undefined) return "";
  if (header.startsWith("[")) return header.slice(0, header.indexOf("]") + 1);
  const colon = header.lastIndexOf(":");
  return colon >= 0 ? header.slice(0, colon) : header;
}

export interface ExplorerServerOptions {
  host?: string;
  /** 0 picks a free port */
  port?: number;
  staticFiles?: StaticFiles;
  onError?: (err: unknown) => void;
  /**
   * right after listening, read (and compress) the front-end files and prepare the default overview (default true), so
   * the first page load does not wait for them
   */
  warmUp?: boolean;
}

export interface RunningExplorer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startExplorer(data: ExplorerData, opts: ExplorerServerOptions = {}): Promise<RunningExplorer> {
  const host = opts.host ?? DEFAULT_HOST;
  const port = opts.port ?? DEFAULT_PORT;
  const onError = opts.onError ?? reportInternalError;
  const staticFiles = opts.staticFiles ?? new StaticFiles();
  const server = createServer(createRequestHandler(data, { loopbackOnly: isLoopbackHost(host), staticFiles, onError }));
  await new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException): void => {
      reject(
        err.code === "EADDRINUSE"
          ? new UserError(`port ${port} on ${host} is in use: pick another with --port (0 = any free port)`)
          : err.code === "EADDRNOTAVAIL" || err.syscall === "getaddrinfo"
            ? new UserError(`cannot listen on host '${host}': no such local address (the default is ${DEFAULT_HOST})`)
            : err,
      );
    };
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      resolve();
    });
  });
  if (opts.warmUp !== false) {
    setImmediate(() => {
      if (!server.listening) return;
      try {
        for (const path of staticFiles.paths()) staticFiles.get(path);
        data.warmUp();
      } catch (err) {
        onError(err);
      }
    });
  }
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${shownHost}:${addr.port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
