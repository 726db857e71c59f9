/** Small node:http helpers: JSON responses, HTTP errors, and query-string validation with zod (400 on bad input). */
import type { IncomingMessage, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import type { z } from "zod";
import { listChoices } from "@aa-nas/core/errors.js";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** Headers every response carries: no sniffing, no framing, and scripts only from this server. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  // echarts writes inline style attributes (tooltips), hence 'unsafe-inline' for styles only.
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

/** Bodies at least this large are sent gzip-compressed to clients that accept it (the overview is about 0.8 MB). */
const GZIP_MIN_BYTES = 32 * 1024;

/**
 * A response body that is already serialized. Large cached responses (the overview) skip JSON.stringify on every
 * request, and keep their gzip form once made.
 */
export class JsonText {
  private gzipped: Buffer | null = null;

  constructor(readonly text: string) {}

  gzip(): Buffer {
    this.gzipped ??= gzipSync(this.text, { level: 6 });
    return this.gzipped;
  }
}

export function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers["accept-encoding"];
  return typeof header === "string" && /\bgzip\b/.test(header);
}

/** Sends a JSON body; `gzip` allows compressing a large cached JsonText. */
export function sendJson(res: ServerResponse, status: number, body: unknown, head = false, gzip = false): void {
  const headers: Record<string, string | number> = {
    ...SECURITY_HEADERS,
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    Vary: "Accept-Encoding",
  };
  let payload: string | Buffer;
  if (body instanceof JsonText && gzip && body.text.length >= GZIP_MIN_BYTES) {
    payload = body.gzip();
    headers["Content-Encoding"] = "gzip";
  } else payload = body instanceof JsonText ? body.text : JSON.stringify(body);
  headers["Content-Length"] = Buffer.byteLength(payload);
  res.writeHead(status, headers);
  res.end(head ? undefined : payload);
}

export function sendError(res: ServerResponse, status: number, message: string, head = false): void {
  sendJson(res, status, { error: message, status }, head);
}

/**
 * Validates a query string against a zod object schema. Unknown and repeated parameters are rejected too, so a typo
 * ('dataste=') is a 400 that lists the valid names instead of being silently ignored.
 */
export function parseQuery<S extends z.ZodObject>(schema: S, params: URLSearchParams): z.infer<S> {
  const valid = Object.keys(schema.shape);
  const raw: Record<string, string> = {};
  for (const [key, value] of params) {
    if (!valid.includes(key)) {
      throw new HttpError(400, `unknown query parameter '${key}': valid parameters are ${valid.length > 0 ? listChoices(valid) : "none"}`);
    }
    if (key in raw) throw new HttpError(400, `query parameter '${key}' is given twice; give it once`);
    raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const messages = parsed.error.issues.map((issue) => {
      const name = issue.path.map(String).join(".");
      return name.length > 0 ? `bad query parameter '${name}': ${issue.message}` : issue.message;
    });
    throw new HttpError(400, messages.join("; "));
  }
  return parsed.data;
}
