import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the stub answered, with its form body decoded. */
export type StripeStubRequest = { method: string; path: string; form: Record<string, string> };

/** A customer as the stub keeps it. */
type Customer = { id: string; object: "customer"; email?: string; name?: string; metadata: Record<string, string> };

async function readForm(request: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
}

// Stripe's form encoding flattens `metadata: { userId }` to `metadata[userId]`.
function metadataOf(form: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) {
    const match = /^metadata\[(.+)\]$/.exec(key);
    if (match) metadata[match[1]!] = value;
  }
  return metadata;
}

/**
 * The few Stripe API endpoints Better Auth's Stripe plugin calls around
 * sign-up, served on loopback: customer search (nothing found), create,
 * retrieve and update. Every request is recorded. Point a real `Stripe`
 * client at it with `host`, `port` and `protocol: "http"`.
 *
 * @example
 * ```ts
 * const stub = await startStripeStub();
 * const client = new Stripe("sk_test_stub", { host: "127.0.0.1", port: stub.port, protocol: "http" });
 * await stub.stop();
 * ```
 */
export async function startStripeStub(): Promise<{
  port: number;
  requests: StripeStubRequest[];
  customers: Map<string, Customer>;
  stop: () => Promise<void>;
}> {
  const requests: StripeStubRequest[] = [];
  const customers = new Map<string, Customer>();
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const method = request.method ?? "GET";
      const form = method === "POST" ? await readForm(request) : Object.fromEntries(url.searchParams);
      requests.push({ method, path: url.pathname, form });
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      const customerPath = /^\/v1\/customers\/(cus_[\w]+)$/.exec(url.pathname);
      if (method === "GET" && url.pathname === "/v1/customers/search") {
        return send(200, { object: "search_result", data: [], has_more: false, next_page: null, url: url.pathname });
      }
      if (method === "POST" && url.pathname === "/v1/customers") {
        const customer: Customer = {
          id: `cus_stub_${customers.size + 1}`,
          object: "customer",
          email: form.email,
          name: form.name,
          metadata: metadataOf(form),
        };
        customers.set(customer.id, customer);
        return send(200, customer);
      }
      if (customerPath && customers.has(customerPath[1]!)) {
        const customer = customers.get(customerPath[1]!)!;
        if (method === "POST")
          Object.assign(customer, { ...form, metadata: { ...customer.metadata, ...metadataOf(form) } });
        return send(200, customer);
      }
      send(404, { error: { type: "invalid_request_error", message: `stub: no route for ${method} ${url.pathname}` } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    requests,
    customers,
    stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
