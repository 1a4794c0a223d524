/*
 * clickref.js — puts the visitor's affiliate click id on every Stripe
 * Payment Link of the page, including links a single-page app adds later.
 *
 *   <script src="/clickref.js" defer></script>
 *   <script src="/clickref.js" data-hosts="buy.stripe.com pay.example.com"
 *           data-cookie="tn_click_id" data-param="click_id" defer></script>
 *
 * Where the id comes from, first valid one wins:
 *   1. ?click_id= on this page's URL (then kept in localStorage and, when the
 *      server has not set it already, the tn_click_id cookie);
 *   2. the tn_click_id cookie, which the server sets (clickref_click_cookie);
 *   3. localStorage, where Safari's cap on script-written cookies cannot
 *      expire it.
 * An id is valid when Stripe would keep it: [A-Za-z0-9_-]{1,200}. Anything
 * else (a malformed %-escape, a foreign value) is ignored, never thrown.
 *
 * What it changes, by the rules of the server-side rewriter (rewrite_url):
 *   - the href of every <a> whose URL is https, has a listed host exactly
 *     (`buy.stripe.com.evil.example` and `…@evil.example` do not match) and
 *     no port other than 443: client_reference_id is set to the id, once;
 *   - the client-reference-id attribute of <stripe-buy-button> and
 *     <stripe-pricing-table>;
 * in the document, in <template> contents, and in whatever is inserted or
 * re-pointed later (a MutationObserver). Other links are never touched.
 *
 * window.clickref.clickId() returns the id in use (or null);
 * window.clickref.tag(root) tags a subtree the observer cannot see (a shadow
 * root, a detached fragment).
 */
(function () {
  'use strict';

  var VALID_ID = /^[A-Za-z0-9_-]{1,200}$/;
  var STRIPE_ELEMENTS = 'stripe-buy-button, stripe-pricing-table';
  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var settings = {
    hosts: (data.hosts || 'buy.stripe.com').toLowerCase().split(/[\s,]+/).filter(Boolean),
    cookie: data.cookie || 'tn_click_id',
    param: data.param || 'click_id',
    maxAge: 365 * 24 * 60 * 60
  };

  // Every browser API below can throw somewhere (storage disabled, sandboxed
  // frames, odd documents); none of that may stop the page's own scripts.
  function attempt(fn, fallback) {
    try {
      return fn();
    } catch (e) {
      return fallback;
    }
  }

  function valid(id) {
    return typeof id === 'string' && VALID_ID.test(id) ? id : null;
  }

  function cookieValue(name) {
    var pairs = attempt(function () { return document.cookie; }, '').split(';');
    for (var i = 0; i < pairs.length; i++) {
      var pair = pairs[i].replace(/^\s+/, '');
      if (pair.slice(0, name.length + 1) === name + '=') {
        var raw = pair.slice(name.length + 1);
        return attempt(function () { return decodeURIComponent(raw); }, null);
      }
    }
    return null;
  }

  function queryValue(name) {
    return attempt(function () { return new URL(location.href).searchParams.get(name); }, null);
  }

  function remember(id) {
    attempt(function () { localStorage.setItem(settings.cookie, id); });
    if (valid(cookieValue(settings.cookie)) === id) return;
    attempt(function () {
      document.cookie = settings.cookie + '=' + encodeURIComponent(id) + '; Max-Age=' + settings.maxAge +
        '; Path=/; Secure; SameSite=Lax';
    });
  }

  function findClickId() {
    var fromQuery = valid(queryValue(settings.param));
    if (fromQuery) {
      remember(fromQuery);
      return fromQuery;
    }
    return valid(cookieValue(settings.cookie)) ||
      valid(attempt(function () { return localStorage.getItem(settings.cookie); }, null));
  }

  var clickId = findClickId();

  // rewrite_url's rule: the scheme is written https (any case, after the
  // leading C0/space that URL parsing strips) and followed by two slashes,
  // and the parsed host is a listed one (a trailing dot ignored) on port 443.
  function isPaymentLink(href) {
    if (!/^[\u0000-\u0020]*https:[\/\\]{2}/i.test(href.replace(/[\t\n\r]/g, ''))) return false;
    var url = attempt(function () { return new URL(href); }, null);
    return !!url && url.protocol === 'https:' && url.port === '' &&
      settings.hosts.indexOf(url.hostname.replace(/\.$/, '')) >= 0;
  }

  function tagLink(a) {
    var href = a.getAttribute('href');
    if (href === null || !isPaymentLink(href)) return;
    var url = new URL(href);
    var ids = url.searchParams.getAll('client_reference_id');
    if (ids.length === 1 && ids[0] === clickId) return;  // already tagged: no observer loop
    url.searchParams.set('client_reference_id', clickId);
    a.setAttribute('href', url.toString());
  }

  function tagStripeElement(el) {
    if (el.getAttribute('client-reference-id') !== clickId) el.setAttribute('client-reference-id', clickId);
  }

  function tagElement(el) {
    attempt(function () {
      if (el.localName === 'a') tagLink(el);
      else if (el.localName === 'stripe-buy-button' || el.localName === 'stripe-pricing-table') tagStripeElement(el);
    });
  }

  function tag(root) {
    if (!clickId || !root) return;
    if (root.nodeType === 1) tagElement(root);
    if (!root.querySelectorAll) return;
    var found = root.querySelectorAll('a, template, ' + STRIPE_ELEMENTS);
    for (var i = 0; i < found.length; i++) {
      if (found[i].localName === 'template') tag(found[i].content);
      else tagElement(found[i]);
    }
  }

  function observe() {
    if (typeof MutationObserver !== 'function') return;
    new MutationObserver(function (mutations) {
      for (var i = 0; i < mutations.length; i++) {
        var m = mutations[i];
        if (m.type === 'attributes') tagElement(m.target);
        for (var j = 0; j < m.addedNodes.length; j++) tag(m.addedNodes[j]);
      }
    }).observe(document.documentElement, {
      childList: true, subtree: true, attributes: true, attributeFilter: ['href', 'client-reference-id']
    });
  }

  if (clickId) {
    attempt(observe);
    attempt(function () { tag(document); });
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', function () { attempt(function () { tag(document); }); });
    }
  }

  window.clickref = {
    clickId: function () { return clickId; },
    tag: function (root) { attempt(function () { tag(root); }); }
  };
})();
