import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '@vigie/alerting';

export interface ReceivedDelivery {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Parsed JSON body. */
  readonly json: Record<string, unknown>;
  /** verifySignature's verdict on X-Vigie-Signature with the secret registered for the path. */
  readonly signatureOk: boolean;
  /** The status the receiver answered. */
  readonly answered: number;
}

/**
 * A loopback webhook receiver: verifies each request's HMAC signature with `verifySignature` and the secret
 * registered for its path, answers with a scripted status sequence per path (the last one repeats), and keeps
 * every request for assertions.
 */
export interface WebhookReceiver {
  readonly baseUrl: string;
  readonly received: ReceivedDelivery[];
  /** Statuses to answer on `path`, in order; the last repeats. Default [200]. */
  script(path: string, statuses: number[]): void;
  /** The secret that signs requests to `path` (set after creating the webhook). */
  secret(path: string, secret: string): void;
  on(path: string): ReceivedDelivery[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const scripts = new Map<string, number[]>();
  const secrets = new Map<string, string>();
  const counts = new Map<string, number>();
  const received: ReceivedDelivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const n = counts.get(path) ?? 0;
      counts.set(path, n + 1);
      const script = scripts.get(path) ?? [200];
      const status = script[Math.min(n, script.length - 1)] ?? 200;
      const header = req.headers['x-vigie-signature'];
      const secret = secrets.get(path);
      const signatureOk = typeof header === 'string' && secret !== undefined && verifySignature(secret, header, body, new Date()).ok;
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        // left empty: assertions on json will fail loudly
      }
      received.push({ path, headers: req.headers, body, json, signatureOk, answered: status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    script: (path, statuses) => void scripts.set(path, statuses),
    secret: (path, secret) => void secrets.set(path, secret),
    on: (path) => received.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
