// Runs inside every test page (first in its <head>), in one of three modes:
//
//   ?mode=snippet  the original page: seed the click id in localStorage, run
//                  the seed's link snippet as a merchant would, and report
//                  every link before and after it;
//   ?mode=plain    clickref's output: report every link as it is;
//   ?mode=clickrefjs  the original page with bindings/js/clickref.js in its
//                  head: report every link once the page has loaded and its
//                  own scripts' timers (links inserted later) have run.
//
// It reports to the parent frame (the driver's index page) as JSON.
(function () {
  'use strict';
  var CLICK_ID = '__CLICK_ID__';
  var HOSTS = ['buy.stripe.com'];
  var mode = (/[?&]mode=(snippet|clickrefjs)/.exec(location.search) || [null, 'plain'])[1];

  // The seed's second snippet, as merchants paste it: the click id from the
  // tn_click_id cookie (decodeURIComponent), else from localStorage, set on
  // every link to Stripe. Run verbatim: whatever it does, the page keeps.
  function seedSnippet() {
    function getCookie(name) {
      var match = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
      return match ? decodeURIComponent(match[1]) : null;
    }
    var clickId = getCookie('tn_click_id') || localStorage.getItem('tn_click_id');
    if (!clickId) return;
    document.querySelectorAll('a[href^="https://buy.stripe.com"]').forEach(function (a) {
      var url = new URL(a.href);
      url.searchParams.set('client_reference_id', clickId);
      a.href = url.toString();
    });
  }

  // Every element matching `selector`, template contents included, in
  // document order.
  function all(selector) {
    var found = [];
    (function walk(root, inTemplate) {
      root.querySelectorAll(selector + ', template').forEach(function (el) {
        if (el.localName === 'template' && el.content) {
          walk(el.content, true);
        } else {
          found.push({el: el, inTemplate: inTemplate});
        }
      });
    })(document, false);
    return found;
  }

  function parse(href) {
    if (href === null) return null;
    try {
      var u = new URL(href, document.baseURI);
      var params = [];
      u.searchParams.forEach(function (v, k) { params.push([k, v]); });
      return {origin: u.origin, pathname: u.pathname, hash: u.hash, params: params};
    } catch (e) {
      return null;
    }
  }

  // clickref's rule for a payment link (issue 4): https, then two slashes,
  // a listed host (without a trailing dot), no port but 443.
  function isPaymentLink(href) {
    if (href === null) return false;
    if (!/^[\u0000-\u0020]*https:[\/\\]{2}/i.test(href.replace(/[\t\n\r]/g, ''))) return false;
    try {
      var u = new URL(href, document.baseURI);
      return u.protocol === 'https:' && u.port === '' && HOSTS.indexOf(u.hostname.replace(/\.$/, '')) >= 0;
    } catch (e) {
      return false;
    }
  }

  // What the snippet's searchParams.set does to a link it reaches.
  function withClickId(href) {
    var u = new URL(href, document.baseURI);
    u.searchParams.set('client_reference_id', CLICK_ID);
    return parse(u.toString());
  }

  // The page's text outside <noscript> (whose markup clickref rewrites on
  // purpose, while a browser with scripting reads it as text).
  function textOutsideNoscript() {
    var text = '';
    var walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!(node.parentNode && node.parentNode.closest && node.parentNode.closest('noscript'))) {
        text += node.data;
      }
    }
    return text;
  }

  function report() {
    var anchors = all('a');
    var result = {
      page: location.pathname.split('/').pop(),
      path: location.pathname,
      mode: mode,
      elements: document.getElementsByTagName('*').length,
      text: textOutsideNoscript(),
      anchors: anchors.map(function (a) {
        var href = a.el.getAttribute('href');
        return {
          ns: a.el.namespaceURI,
          inTemplate: a.inTemplate,
          raw: href,
          parsed: parse(href),
          paymentLink: isPaymentLink(href),
          withClickId: isPaymentLink(href) ? withClickId(href) : null
        };
      }),
      stripeElements: all('stripe-buy-button, stripe-pricing-table').map(function (s) {
        return s.el.getAttribute('client-reference-id');
      })
    };
    if (mode === 'snippet') {
      localStorage.setItem('tn_click_id', CLICK_ID);
      try {
        seedSnippet();
        result.snippetError = null;
      } catch (e) {
        result.snippetError = String(e);
      }
      all('a').forEach(function (a, i) {
        result.anchors[i].afterSnippet = parse(a.el.getAttribute('href'));
        result.anchors[i].snippetChanged = a.el.getAttribute('href') !== result.anchors[i].raw;
      });
    }
    parent.postMessage(JSON.stringify(result), '*');
  }

  if (mode === 'clickrefjs') {
    window.addEventListener('load', function () { setTimeout(report, 100); });
  } else {
    document.addEventListener('DOMContentLoaded', report);
  }
})();
