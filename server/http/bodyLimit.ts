import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorRequestHandler, RequestHandler } from "express";
import { sizeInWords } from "./limits";

/** Set on a request whose body was refused: whatever still waits for that body is moot. */
const refused = new WeakSet<IncomingMessage>();

/**
 * Refuses a body over `maxBytes` with 413 before it is buffered, whoever reads it afterwards
 * (body-parser, tRPC, better-auth, Next): a Content-Length over the limit is answered at once,
 * without reading a byte; a chunked body is counted as it arrives from the socket and cut at
 * the limit. The connection is then closed, so the rest is never received.
 */
export function bodyLimit(maxBytes: number, what: string): RequestHandler {
  return (req, res, next) => {
    const declared = req.headers["content-length"];
    if (declared !== undefined) {
      // Node's parser never delivers more than the declared length (and refuses it with chunking).
      if (Number(declared) > maxBytes) return refuse(req, res, maxBytes, what);
      return next();
    }
    if (req.headers["transfer-encoding"] !== undefined) countAsItArrives(req, res, maxBytes, what);
    next();
  };
}

/**
 * Counts the chunks Node's HTTP parser pushes into the request, before any reader sees them.
 * Past the limit they are dropped and the stream is never ended: its reader waits until the
 * connection closes, and its late error is ignored (answeredAlready).
 */
function countAsItArrives(req: IncomingMessage, res: ServerResponse, maxBytes: number, what: string) {
  let seen = 0;
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (refused.has(req)) return false;
    if (chunk !== null && chunk !== undefined) {
      seen += (chunk as Buffer).length;
      if (seen > maxBytes) {
        refuse(req, res, maxBytes, what);
        return false;
      }
    }
    return push(chunk, encoding);
  };
}

function refuse(req: IncomingMessage, res: ServerResponse, maxBytes: number, what: string) {
  refused.add(req);
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  const message = `The request body is larger than ${sizeInWords(maxBytes)}, the most ${what} accepts`;
  const body = JSON.stringify({ error: "too_large", message, issues: [{ path: "(body)", message }] });
  lingerOnClose(req.socket);
  // `Connection: close` makes Node close the connection once the answer is out.
  res.writeHead(413, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), connection: "close" });
  res.end(body);
}

/** How long a refused client may go on sending (dropped) after its answer, before it is cut off. */
const LINGER_MS = 2000;

/**
 * Closing a socket while the client is still sending makes the kernel reset the connection,
 * which can throw away the 413 before the client has read it. So the close lingers, as
 * nginx's does: the answer and a FIN go out, what still arrives is read and dropped (never
 * buffered), and the socket is destroyed when the client closes or LINGER_MS has passed.
 */
function lingerOnClose(socket: IncomingMessage["socket"]) {
  socket.destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    socket.once("close", () => clearTimeout(timer));
  };
}

/** Whether a request's body was refused (its reader's later error is not worth an answer). */
export const bodyRefused = (req: IncomingMessage) => refused.has(req);

/**
 * Errors that arrive after the request was answered (a reader of a refused body failing when
 * the connection closes) have nobody to be told: they are dropped, not logged as a 500.
 */
export const answeredAlready: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent && bodyRefused(req)) return;
  next(err);
};
