// The HTML rewriter on the pricing page, one-shot and streaming, beside a
// bare memchr scan for '<' and a memcpy of the same bytes; then adversarial
// documents at 1 MB and 10 MB, whose time per byte must not grow.
#include "harness.hpp"
#include "read_file.hpp"

#include <clickref/clickref.h>
#include <clickref/html.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace clickref::bench {

namespace {

constexpr char kId[] = "tn_9f8e7d6c5b4a";
constexpr size_t kChunk = 64 * 1024;

// The sink of the streaming runs: copies into a buffer, as a server writing
// into its response buffer would.
struct copy_sink {
  std::vector<char> buffer;
  size_t used = 0;
};

clickref_status copy_into(void* user, const char* data, size_t len) {
  auto* sink = static_cast<copy_sink*>(user);
  if (sink->used + len > sink->buffer.size()) return CLICKREF_E_BUFFER_TOO_SMALL;
  std::memcpy(sink->buffer.data() + sink->used, data, len);
  sink->used += len;
  return CLICKREF_OK;
}

size_t count_lt(const std::string& html) {
  size_t n = 0;
  const char* end = html.data() + html.size();
  for (const char* p = html.data(); (p = static_cast<const char*>(std::memchr(p, '<', end - p))) != nullptr;
       ++p)
    ++n;
  return n;
}

// One document through clickref_rewrite_html into a buffer sized for it.
double time_one_shot(const std::string& html, std::vector<char>& out, size_t* rewritten) {
  size_t count = 0;
  clickref_link_options options = CLICKREF_LINK_OPTIONS_INIT;
  options.rewritten = &count;
  const double ns = median_ns([&] {
    size_t out_len = 0;
    clickref_status s = clickref_rewrite_html(html.data(), html.size(), kId, sizeof kId - 1, &options,
                                              out.data(), out.size(), &out_len);
    keep(s);
    keep(out_len);
  });
  *rewritten = count;
  return ns;
}

// One document through a new streaming rewriter, kChunk bytes per write.
double time_streaming(const std::string& html, copy_sink& sink) {
  return median_ns([&] {
    sink.used = 0;
    clickref_html_rewriter* rw = nullptr;
    if (clickref_html_rewriter_new(kId, sizeof kId - 1, nullptr, copy_into, &sink, &rw) != CLICKREF_OK)
      return;
    for (size_t at = 0; at < html.size(); at += kChunk) {
      if (clickref_html_rewriter_write(rw, html.data() + at, std::min(kChunk, html.size() - at)) !=
          CLICKREF_OK)
        break;
    }
    clickref_status s = clickref_html_rewriter_finish(rw);
    keep(s);
    clickref_html_rewriter_free(rw);
  });
}

std::string repeated(const std::string& unit, size_t bytes) {
  std::string s;
  s.reserve(bytes + unit.size());
  while (s.size() < bytes) s += unit;
  return s;
}

struct adversary {
  const char* name;
  std::string (*make)(size_t bytes);
};

const adversary kAdversaries[] = {
    {"\"<a \" repeated (one endless tag)", [](size_t n) { return repeated("<a ", n); }},
    {"\"<!--\" repeated (one endless comment)", [](size_t n) { return repeated("<!--", n); }},
    {"\"&amp;\" in one href (past the tag limit)",
     [](size_t n) { return "<a href=\"https://buy.stripe.com/x?" + repeated("&amp;", n) + "\">"; }},
    {"\"&amp;\" in 60 KB payment links, rewritten",
     [](size_t n) {
       const std::string tag = "<a href=\"https://buy.stripe.com/x?" + repeated("a&amp;", 60000) + "\">\n";
       return repeated(tag, n);
     }},
    {"unclosed <script> with escapes and false end tags",
     [](size_t n) { return "<script>" + repeated("a<</scrip<!--<script>--></script x<b ", n); }},
    {"\"<a href=x>\" repeated (many small tags)", [](size_t n) { return repeated("<a href=x>", n); }},
};

}  // namespace

void run_html(const std::string& shared) {
  const std::string page = read_file(shared + "/pricing-page.html");
  std::vector<char> out(page.size() * 2);
  copy_sink sink{std::vector<char>(page.size() * 2)};

  size_t lt = 0;
  const double memchr_ns = median_ns([&] {
    lt = count_lt(page);
    keep(lt);
  });
  const double memcpy_ns = median_ns([&] {
    std::memcpy(out.data(), page.data(), page.size());
    keep(out[page.size() / 2]);
  });
  size_t rewritten = 0;
  const double one_shot_ns = time_one_shot(page, out, &rewritten);
  const double streaming_ns = time_streaming(page, sink);
  const double cpp_ns = median_ns([&] {
    auto r = rewrite_html(page, kId);
    keep(r->rewritten);
  });

  std::printf("html: pricing-page.html, %zu bytes, %zu '<', %zu links rewritten\n", page.size(), lt,
              rewritten);
  report("reference: memchr for '<' over the page", memchr_ns, memchr_ns, page.size());
  report("reference: memcpy of the page", memcpy_ns, memchr_ns, page.size());
  report("clickref_rewrite_html, one-shot (target >= 1 GB/s)", one_shot_ns, memchr_ns, page.size());
  report("clickref_html_rewriter, 64 KiB chunks (>= 1 GB/s)", streaming_ns, memchr_ns, page.size());
  report("clickref::rewrite_html (C++, returns a string)", cpp_ns, memchr_ns, page.size());
  std::printf("  one-shot is %.2fx memcpy, streaming %.2fx memcpy\n", one_shot_ns / memcpy_ns,
              streaming_ns / memcpy_ns);

  std::printf("html: adversarial input, 1 MB and 10 MB (linear time: equal ns/byte)\n");
  for (const adversary& a : kAdversaries) {
    double per_byte[2] = {0, 0};
    const size_t sizes[2] = {size_t{1} << 20, size_t{10} << 20};
    for (int i = 0; i < 2; ++i) {
      const std::string doc = a.make(sizes[i]);
      std::vector<char> buffer(doc.size() * 2);
      size_t count = 0;
      const double one_shot = time_one_shot(doc, buffer, &count);
      copy_sink big{std::vector<char>(doc.size() * 2)};
      const double streaming = time_streaming(doc, big);
      per_byte[i] = one_shot / static_cast<double>(doc.size());
      const std::string label = std::string(a.name) + (i == 0 ? ", 1 MB" : ", 10 MB");
      report(label + " one-shot", one_shot, 0, doc.size());
      report(label + " streaming", streaming, 0, doc.size());
    }
    std::printf("  %-52s 10 MB/1 MB time per byte: %.2f\n", a.name, per_byte[1] / per_byte[0]);
  }
}

}  // namespace clickref::bench
