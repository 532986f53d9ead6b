// Preloaded into the Portkey bench peer (`node --import`). Portkey's streaming path builds
// `new Response(stream, upstreamResponse)` and then appends headers; under @hono/node-server's
// global Response (1.19.x, installed here) the new response keeps the upstream's immutable
// Headers and every streamed call fails with "TypeError: immutable". Re-wrapping upstream
// answers with mutable headers lets Portkey stream; it costs one Response object per call.
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const res = await realFetch(input, init);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers: new Headers(res.headers) });
};
