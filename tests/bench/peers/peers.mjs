// The Node peers of the comparison (tests/bench/peers/run.sh runs this from
// the scratch directory where it installed them):
//   node peers.mjs SHARED_BENCH_DIR LANDING_URLS_FILE
// Prints "result<TAB>operation<TAB>implementation<TAB>ns per op" lines, like
// clickref_peers. Inputs are read and encoded once, outside the timing.
import { readFileSync } from 'node:fs';
import * as cheerio from 'cheerio';
import { HTMLRewriter } from 'html-rewriter-wasm';
import Stripe from 'stripe';

const [sharedDir, urlsFile] = process.argv.slice(2);
const SECRET = 'whsec_peer_benchmark_secret';
const CLICK_ID = 'aff_123-XYZ';
const PAYMENT_LINKS = 'a[href^="https://buy.stripe.com"]';

const version = (name) => JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version;
const print = (operation, implementation, ns) =>
  console.log(`result\t${operation}\t${implementation}\t${ns.toFixed(1)}`);

// Warm-up (about half a second, so that the JIT has compiled the hot path),
// then batches sized to about 20 ms; the median of 15 batches, per call.
// `runBatch(n)` makes n calls.
async function medianNs(runBatch, reps = 15) {
  const now = () => process.hrtime.bigint();
  for (const end = now() + 500_000_000n; now() < end;) await runBatch(1);
  let batch = 1;
  for (;;) {
    const start = now();
    await runBatch(batch);
    if (Number(now() - start) > 20e6 || batch >= 2 ** 30) break;
    batch *= 2;
  }
  const samples = [];
  for (let r = 0; r < reps; r++) {
    const start = now();
    await runBatch(batch);
    samples.push(Number(now() - start) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[reps >> 1];
}

// Batches of a synchronous call carry no await per call; an async one needs it.
const calls = (fn) => (n) => {
  for (let i = 0; i < n; i++) fn();
};
const awaitedCalls = (fn) => async (n) => {
  for (let i = 0; i < n; i++) await fn();
};

function check(condition, what) {
  if (!condition) {
    console.error(`peers.mjs: ${what}`);
    process.exit(1);
  }
}

// (1) Verify + parse: constructEvent on the raw body, as an Express handler
// with express.raw() receives it.
async function verifyAndParse() {
  const payload = readFileSync(`${sharedDir}/checkout-session-completed.json`);
  const stripe = new Stripe('sk_test_peer_benchmark');  // offline: constructEvent makes no request
  const header = stripe.webhooks.generateTestHeaderString({ payload: payload.toString('utf8'), secret: SECRET });
  const tolerance = 3600;
  check(stripe.webhooks.constructEvent(payload, header, SECRET, tolerance).type === 'checkout.session.completed',
    'constructEvent failed');
  print('verify+parse', `stripe-node ${version('stripe')}`,
    await medianNs(calls(() => stripe.webhooks.constructEvent(payload, header, SECRET, tolerance))));
}

function setReference(href) {
  const url = new URL(href);
  url.searchParams.set('client_reference_id', CLICK_ID);
  return url.toString();
}

// (2) Rewriting the payment links of the pricing page.
async function rewriteHtml() {
  const html = readFileSync(`${sharedDir}/pricing-page.html`, 'utf8');
  const cheerioRewrite = () => {
    const $ = cheerio.load(html);
    let count = 0;
    $(PAYMENT_LINKS).each((_, element) => {
      const a = $(element);
      a.attr('href', setReference(a.attr('href')));
      count++;
    });
    return { html: $.html(), count };
  };
  console.error(`peers.mjs: cheerio rewrote ${cheerioRewrite().count} payment links`);
  print('html', `cheerio ${version('cheerio')}`, await medianNs(calls(cheerioRewrite)));

  const bytes = new TextEncoder().encode(html);
  const lolRewrite = async () => {
    const chunks = [];
    let count = 0;
    const rewriter = new HTMLRewriter((chunk) => chunks.push(chunk));
    rewriter.on(PAYMENT_LINKS, {
      element(element) {
        element.setAttribute('href', setReference(element.getAttribute('href')));
        count++;
      },
    });
    try {
      await rewriter.write(bytes);
      await rewriter.end();
    } finally {
      rewriter.free();
    }
    return { chunks, count };
  };
  console.error(`peers.mjs: html-rewriter-wasm rewrote ${(await lolRewrite()).count} payment links`);
  print('html', `html-rewriter-wasm ${version('html-rewriter-wasm')}`, await medianNs(awaitedCalls(lolRewrite)));
}

// (3) The click id of each of the landing URLs.
async function clickIds() {
  const urls = readFileSync(urlsFile, 'utf8').split('\n').filter((line) => line.length > 0);
  const all = () => {
    let found = 0;
    for (const u of urls) found += new URL(u).searchParams.get('click_id') ? 1 : 0;
    return found;
  };
  check(all() === urls.length, 'a landing URL without click id');
  print('click_id', `Node ${process.versions.node} URL.searchParams`, (await medianNs(calls(all))) / urls.length);
}

await verifyAndParse();
await rewriteHtml();
await clickIds();
