import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** What a loopback fake answers: a reply, or a fault the transport itself shows. */
export type FakeOutcome = { status: number; headers: Record<string, string>; body: string } | 'timeout' | 'reset';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Writes the outcome: `timeout` holds the response open (in `held`, destroyed when the fake closes),
 * `reset` destroys the socket, anything else is an ordinary reply.
 */
export function sendOutcome(req: IncomingMessage, res: ServerResponse, outcome: FakeOutcome, held: Set<ServerResponse>): void {
  if (res.destroyed) return;
  if (outcome === 'timeout') {
    held.add(res);
    res.on('close', () => held.delete(res));
    return;
  }
  if (outcome === 'reset') {
    req.socket.destroy();
    return;
  }
  res.writeHead(outcome.status, { ...outcome.headers, 'content-length': Buffer.byteLength(outcome.body) });
  res.end(outcome.body);
}

/** Listens on a random loopback port; returns the base URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface LoopbackFake {
  url: string; // http://127.0.0.1:<port>
  /** Stops listening and drops every connection, held (timed-out) responses included. */
  close(): Promise<void>;
}

/**
 * Serves a fake on a random loopback port: per request, reads the body, asks `outcomeOf` for the
 * outcome, waits `latencyMs` (if any), then writes it (see sendOutcome).
 */
export async function serveOnLoopback(outcomeOf: (req: IncomingMessage, body: string) => FakeOutcome, latencyMs?: number): Promise<LoopbackFake> {
  const held = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    void (async () => {
      const outcome = outcomeOf(req, await readBody(req));
      if (latencyMs) await sleep(latencyMs);
      sendOutcome(req, res, outcome, held);
    })().catch(() => res.destroy());
  });
  return {
    url: await listenOnLoopback(server),
    close: async () => {
      for (const res of held) res.destroy();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
