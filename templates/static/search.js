// Search page: reads the index written by archive/search_index.py and answers
// queries in the browser. archive/search_query.py is the same logic in Python
// (the reference the unit tests check); change both together.
// Everything from the index or the URL reaches the page as text, never as HTML.
(function () {
  "use strict";
  var base = document.documentElement.getAttribute("data-base") || "/";
  var DIR = base + "search/";
  var K1 = 1.2, B = 0.75, TITLE_BOOST = 3, TAG_BOOST = 6, WORD_BOOST = 1;
  var PAGE = 10, DEBOUNCE_MS = 120, SNIPPET_BEFORE = 30, SNIPPET_LENGTH = 110;
  var FACETS = ["district", "programme", "year", "kind"];
  var FACET_LABELS = { district: "区县", programme: "举措", year: "年份", kind: "类型" };
  var KIND_LABELS = { article: "文章", photo: "图片新闻" };
  var SPACE = /[\s\u200b\ufeff\x00]+/g;
  var SPLIT = /[\s\u200b\ufeff]+/;
  var CJK = /^[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}]$/u;

  // --- text ------------------------------------------------------------------
  function normalise(text) {
    return text.normalize("NFKC").toLowerCase().replace(SPACE, "");
  }
  function parseTerms(query) {
    var seen = [];
    query.normalize("NFKC").split(SPLIT).forEach(function (part) {
      var term = normalise(part);
      if (term && seen.indexOf(term) < 0) { seen.push(term); }
    });
    return seen;
  }
  function tooShort(term) {
    return Array.from(term).length === 1 && !CJK.test(term);
  }

  // --- files -----------------------------------------------------------------
  var files = {};
  // Inflate (RFC 1951) of one gzip member, synchronously: the index files are a
  // few KB, where DecompressionStream's asynchronous steps cost more than the work.
  var LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
  var LEXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  var DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
  var DEXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
  var ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
  // A canonical Huffman code from code lengths: codes per length, symbols in code order.
  function huffman(lengths) {
    var counts = new Uint16Array(16), offsets = new Uint16Array(16), symbols = new Uint16Array(lengths.length), i;
    for (i = 0; i < lengths.length; i++) { counts[lengths[i]]++; }
    counts[0] = 0;
    for (i = 1; i < 16; i++) { offsets[i] = offsets[i - 1] + counts[i - 1]; }
    for (i = 0; i < lengths.length; i++) { if (lengths[i]) { symbols[offsets[lengths[i]]++] = i; } }
    return { counts: counts, symbols: symbols };
  }
  function fixedCodes() {
    var lengths = new Uint8Array(288 + 30), i;
    for (i = 0; i < 288; i++) { lengths[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8; }
    lengths.fill(5, 288);
    return [huffman(lengths.subarray(0, 288)), huffman(lengths.subarray(288))];
  }
  function inflate(src) {
    var flags = src[3], pos = 10, acc = 0, bits = 0, o = 0;
    if (flags & 4) { pos += 2 + (src[10] | (src[11] << 8)); }
    if (flags & 8) { while (src[pos++]); }
    if (flags & 16) { while (src[pos++]); }
    if (flags & 2) { pos += 2; }
    var n = src.length, out = new Uint8Array((src[n - 4] | (src[n - 3] << 8) | (src[n - 2] << 16) | (src[n - 1] << 24)) >>> 0);
    function get(count) {
      while (bits < count) { acc |= src[pos++] << bits; bits += 8; }
      var value = acc & ((1 << count) - 1);
      acc >>>= count; bits -= count;
      return value;
    }
    function decode(code) {
      var value = 0, first = 0, index = 0;
      for (var len = 1; len < 16; len++) {
        value |= get(1);
        var count = code.counts[len];
        if (value - first < count) { return code.symbols[index + value - first]; }
        index += count; first = (first + count) << 1; value <<= 1;
      }
      throw new Error("inflate: bad code");
    }
    var last, type, codes, i, length, dist, symbol;
    do {
      last = get(1); type = get(2);
      if (type === 0) {
        acc = 0; bits = 0;
        length = src[pos] | (src[pos + 1] << 8);
        out.set(src.subarray(pos + 4, pos + 4 + length), o);
        pos += 4 + length; o += length;
        continue;
      }
      if (type === 1) {
        codes = fixedCodes();
      } else {
        var lit = get(5) + 257, dists = get(5) + 1, clen = get(4) + 4, cl = new Uint8Array(19);
        for (i = 0; i < clen; i++) { cl[ORDER[i]] = get(3); }
        var clCode = huffman(cl), lengths = new Uint8Array(lit + dists);
        for (i = 0; i < lit + dists;) {
          symbol = decode(clCode);
          if (symbol < 16) { lengths[i++] = symbol; continue; }
          var repeat = symbol === 16 ? 3 + get(2) : symbol === 17 ? 3 + get(3) : 11 + get(7);
          lengths.fill(symbol === 16 ? lengths[i - 1] : 0, i, i + repeat);
          i += repeat;
        }
        codes = [huffman(lengths.subarray(0, lit)), huffman(lengths.subarray(lit))];
      }
      for (;;) {
        symbol = decode(codes[0]);
        if (symbol < 256) { out[o++] = symbol; continue; }
        if (symbol === 256) { break; }
        symbol -= 257;
        length = LBASE[symbol] + get(LEXTRA[symbol]);
        symbol = decode(codes[1]);
        dist = DBASE[symbol] + get(DEXTRA[symbol]);
        for (i = 0; i < length; i++, o++) { out[o] = out[o - dist]; }
      }
    } while (!last);
    return out;
  }
  // Most index files are a few KB: inflated at once here; a large one goes through
  // the browser's own (asynchronous, but faster per byte) DecompressionStream.
  var INLINE_INFLATE_BYTES = 16384;
  function gunzip(bytes) {
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) { return bytes; }
    if (bytes.length <= INLINE_INFLATE_BYTES) { return inflate(bytes); }
    var stream = new Response(bytes).body.pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }
  // priority: a fetch priority hint, "high" for what the page shows first
  function load(name, priority) {
    if (!files[name]) {
      files[name] = fetch(DIR + name, { priority: priority || "auto" }).then(function (response) {
        if (!response.ok) { throw new Error(name + ": " + response.status); }
        return response.arrayBuffer();
      }).then(function (b) { return gunzip(new Uint8Array(b)); });
      files[name].catch(function () { delete files[name]; });
    }
    return files[name];
  }
  function unframe(bytes) {
    var size = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24);
    var header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + size)));
    return { header: header, body: bytes.subarray(4 + size) };
  }
  function varints(bytes, start, end) {
    var out = [], value = 0, scale = 1;
    for (var i = start; i < end; i++) {
      var byte = bytes[i];
      value += (byte & 0x7f) * scale;
      if (byte & 0x80) { scale *= 128; } else { out.push(value); value = 0; scale = 1; }
    }
    return out;
  }

  // --- the index -------------------------------------------------------------
  var metaPromise = null, loaded = null;
  function meta() {
    if (!metaPromise) {
      metaPromise = load("meta.bin").then(function (bytes) {
        var framed = unframe(bytes), h = framed.header;
        // varint columns: years, kinds, lengths in slots, district lists, programme lists
        var v = varints(framed.body, 0, framed.body.length), c = h.count, at = 3 * c, n, k;
        h.slots = v.slice(2 * c, 3 * c);
        h.starts = new Float64Array(c + 1);
        for (n = 0; n < c; n++) { h.starts[n + 1] = h.starts[n] + h.slots[n] * h.align; }
        // per facet, document n has the value indices values[first[n]] .. values[first[n + 1] - 1]
        h.first = {}; h.values = {};
        ["year", "kind"].forEach(function (facet, column) {
          var first = new Uint32Array(c + 1);
          for (n = 0; n <= c; n++) { first[n] = n; }
          h.first[facet] = first; h.values[facet] = v.slice(column * c, (column + 1) * c);
        });
        // then per district and programme: how many documents, their numbers as deltas
        ["district", "programme"].forEach(function (facet) {
          var first = new Uint32Array(c + 1), values, start = at, doc, i;
          for (k = 0; k < h.facets[facet].length; k++) {
            for (doc = 0, i = 1; i <= v[at]; i++) { doc += v[at + i]; first[doc + 1]++; }
            at += 1 + v[at];
          }
          for (n = 0; n < c; n++) { first[n + 1] += first[n]; }
          values = new Uint16Array(first[c]);
          var fill = first.slice(0, c);
          for (k = 0, at = start; k < h.facets[facet].length; k++) {
            for (doc = 0, i = 1; i <= v[at]; i++) { doc += v[at + i]; values[fill[doc]++] = k; }
            at += 1 + v[at];
          }
          h.first[facet] = first; h.values[facet] = values;
        });
        loaded = h;
        return h;
      });
      metaPromise.catch(function () { metaPromise = null; });
    }
    return metaPromise;
  }
  // The files of the bucket that holds `key`: FNV-1a of the UTF-16 code units of
  // its anchor (the first three characters after the prefix), as search_index.bucket_of.
  function filesFor(h, key) {
    var anchor = Array.from(key).slice(1, 4).join(""), hash = 0x811c9dc5;
    for (var i = 0; i < anchor.length; i++) { hash = Math.imul(hash ^ anchor.charCodeAt(i), 0x01000193) >>> 0; }
    var bucket = hash % h.buckets, names = [];
    for (var p = 0; p < (h.parts[bucket] || 1); p++) {
      names.push("s/" + bucket + (p ? "-" + p : "") + ".bin?v=" + h.build);
    }
    return names;
  }
  function parsedShard(name) {
    return load(name).then(function (bytes) {
      var framed = unframe(bytes), entries = {}, offset = 0;
      framed.header.forEach(function (e) {
        (entries[e[0]] = entries[e[0]] || []).push({ offset: offset, length: e[1], count: e[2], base: e[3] || 0 });
        offset += e[1];
      });
      return { entries: entries, body: framed.body };
    });
  }
  // Every part of a key, in order: [{body, start, end, base}].
  function parts(h, key) {
    return Promise.all(filesFor(h, key).map(parsedShard))
      .then(function (shards) {
        var out = [];
        shards.forEach(function (shard) {
          (shard.entries[key] || []).forEach(function (e) {
            out.push({ body: shard.body, start: e.offset, end: e.offset + e.length, base: e.base });
          });
        });
        return out;
      });
  }
  // A sorted key's values: documents of a character, positions of a bigram.
  function values(h, key) {
    return parts(h, key).then(function (ps) {
      var out = [];
      ps.forEach(function (p) {
        var value = p.base;
        varints(p.body, p.start, p.end).forEach(function (d) { value += d; out.push(value); });
      });
      return out;
    });
  }
  function counts(h, key) {
    return parts(h, key).then(function (ps) {
      var out = new Map();
      ps.forEach(function (p) {
        var v = varints(p.body, p.start, p.end), doc = p.base;
        for (var i = 0; i < v.length; i += 2) { doc += v[i]; out.set(doc, v[i + 1]); }
      });
      return out;
    });
  }
  // Offsets of the trigrams covering a phrase of 3+ characters: 0, 3, 6, ... and the last.
  function cover(length) {
    var offsets = [];
    for (var i = 0; i + 3 <= length; i += 3) { offsets.push(i); }
    if (offsets[offsets.length - 1] !== length - 3) { offsets.push(length - 3); }
    return offsets;
  }
  function match(h, term) {
    var chars = Array.from(term);
    if (chars.length === 1) {
      return values(h, "c" + term).then(function (docs) {
        var hits = new Map();
        docs.forEach(function (d) { hits.set(d, { title: 0, tags: 0, body: 1 }); });
        return hits;
      });
    }
    if (chars.length === 2) {
      // per document: body count << 2 | in tags << 1 | in title
      return counts(h, "b" + term).then(function (found) {
        var hits = new Map();
        found.forEach(function (v, d) { hits.set(d, { title: v & 1, tags: (v >> 1) & 1, body: Math.floor(v / 4) }); });
        return hits;
      });
    }
    return Promise.all(cover(chars.length).map(function (off) {
      return values(h, "t" + chars.slice(off, off + 3).join("")).then(function (p) { return { off: off, positions: p }; });
    })).then(function (lists) {
      lists.sort(function (a, b) { return a.positions.length - b.positions.length; });
      var starts = lists[0].positions.map(function (p) { return p - lists[0].off; });
      for (var k = 1; k < lists.length && starts.length; k++) {
        starts = intersect(starts, lists[k].positions, lists[k].off);
      }
      return byDoc(h, starts);
    });
  }
  // Sorted starts that also occur in sorted `positions` shifted back by `off`.
  function intersect(starts, positions, off) {
    var out = [], j = 0;
    for (var i = 0; i < starts.length; i++) {
      while (j < positions.length && positions[j] - off < starts[i]) { j++; }
      if (j < positions.length && positions[j] - off === starts[i]) { out.push(starts[i]); }
    }
    return out;
  }
  function byDoc(h, starts) {
    var hits = new Map(), doc = 0;
    starts.forEach(function (p) {
      while (h.starts[doc + 1] <= p) { doc++; }
      var at = p - h.starts[doc], hit = hits.get(doc);
      if (!hit) { hit = { title: 0, tags: 0, body: 0, from: Infinity }; hits.set(doc, hit); }
      if (at < h.tag_base) { hit.title++; } else if (at < h.body_base) { hit.tags++; } else {
        if (!hit.body) { hit.from = at - h.body_base; }  // where the first body match starts
        hit.body++;
      }
    });
    return hits;
  }
  function idf(h, df) { return Math.log(1 + (h.count - df + 0.5) / (df + 0.5)); }
  function score(h, doc, hit, df, word, wordDf) {
    var i = idf(h, df);
    var norm = 1 - B + B * Math.max(1, h.slots[doc] * h.align - h.body_base) / h.avg_length;
    var s = i * hit.body * (K1 + 1) / (hit.body + K1 * norm);
    if (hit.title) { s += TITLE_BOOST * i; }
    if (hit.tags) { s += TAG_BOOST * i; }
    if (word) { s += WORD_BOOST * idf(h, wordDf) * word / (word + 2); }
    return s;
  }
  // wanted: [[facet, value index]] of the filters (-1 for a value the index lacks)
  function passes(h, doc, wanted) {
    return wanted.every(function (w) {
      var first = h.first[w[0]], values = h.values[w[0]];
      for (var i = first[doc]; i < first[doc + 1]; i++) { if (values[i] === w[1]) { return true; } }
      return false;
    });
  }
  function facetCounts(h, docs) {
    var out = {};
    FACETS.forEach(function (facet) {
      var names = h.facets[facet], c = names.map(function () { return 0; });
      var first = h.first[facet], values = h.values[facet];
      docs.forEach(function (doc) { for (var i = first[doc]; i < first[doc + 1]; i++) { c[values[i]]++; } });
      out[facet] = names.map(function (name, i) { return { name: name, count: c[i], i: i }; })
        .filter(function (x) { return x.count; })
        .sort(function (a, b) { return b.count - a.count || a.i - b.i; });
    });
    return out;
  }
  // The whole query: {state, docs (ranked document numbers), facets}.
  function query(text, filters) {
    var terms = parseTerms(text);
    filters = filters || {};
    if (!terms.length && !Object.keys(filters).length) { return Promise.resolve({ state: "empty", docs: [], terms: terms }); }
    if (terms.some(tooShort)) { return Promise.resolve({ state: "short", docs: [], terms: terms }); }
    return meta().then(function (h) {
      return Promise.all(terms.map(function (term) {
        // a word shares its bucket with the n-gram the term fetches anyway
        var words = Array.from(term).length > 1 ? counts(h, "w" + term) : Promise.resolve(new Map());
        return Promise.all([match(h, term), words]);
      })).then(function (perTerm) {
        var wanted = Object.keys(filters).map(function (f) { return [f, h.facets[f].indexOf(filters[f])]; });
        var scores = new Map();
        if (!terms.length) {
          for (var doc = 0; doc < h.count; doc++) { if (passes(h, doc, wanted)) { scores.set(doc, 0); } }
        }
        // the first term's hits are the candidates (checked against the filters), later
        // terms narrow them; each score adds up in term order, as the reference's
        perTerm.forEach(function (pair, t) {
          var hits = pair[0], words = pair[1], next = new Map();
          (t ? scores : hits).forEach(function (_, doc) {
            var hit = hits.get(doc);
            if (hit && (t || passes(h, doc, wanted))) {
              next.set(doc, (t ? scores.get(doc) : 0) + score(h, doc, hit, hits.size, words.get(doc) || 0, words.size));
            }
          });
          scores = next;
        });
        var value = new Float64Array(h.count), ranked = Array.from(scores.keys());
        scores.forEach(function (v, doc) { value[doc] = v; });
        ranked.sort(function (a, b) { return value[b] - value[a] || a - b; });
        // where a document's first body match starts (Infinity: none), when every term
        // has positions (3+ characters); lets a page fetch a snippet's text in one go
        var positional = terms.every(function (t) { return Array.from(t).length >= 3; });
        var from = function (doc) {
          return positional ? Math.min.apply(null, perTerm.map(function (pair) { return pair[0].get(doc).from; })) : undefined;
        };
        return { state: ranked.length ? "results" : "none", docs: ranked, facets: facetCounts(h, ranked), terms: terms, from: from };
      });
    });
  }
  // What a result shows; requested at once when the index is loaded (as it is when a
  // result is shown), so ten of them go out before the page draws anything.
  function fragment(doc, priority) {
    function read(h) {
      return load("f/" + doc + ".json?v=" + h.build, priority).then(function (bytes) { return JSON.parse(new TextDecoder().decode(bytes)); });
    }
    return loaded ? read(loaded) : meta().then(read);
  }
  function tail(doc, priority) {
    return load("f/" + doc + "t.txt?v=" + loaded.build, priority).then(function (bytes) { return new TextDecoder().decode(bytes); });
  }
  // A result's record with all the text its snippet needs: the head alone when the
  // query has no terms, no body match (from === Infinity) or a first match that ends
  // well inside it, else the whole text. `from` (where the first body match starts,
  // if known) lets a match deep in the text fetch head and tail at once.
  function result(doc, terms, from, priority) {
    var early = loaded && from !== undefined && from !== Infinity && from + SNIPPET_LENGTH + 20 > loaded.head ? tail(doc, priority) : null;
    return fragment(doc, priority).then(function (r) {
      var ranges = r.more && terms.length && from !== Infinity && !early ? termRanges(r.text, terms) : [];
      if (!r.more || (!early && (!terms.length || from === Infinity || (ranges.length && ranges[0][1] + SNIPPET_LENGTH <= r.text.length)))) { return r; }
      return (early || tail(doc, priority)).then(function (rest) {
        return Object.assign({}, r, { text: r.text + rest, more: false });
      });
    });
  }
  window.ArchiveSearch = { query: query, fragment: fragment, result: result, normalise: normalise };

  // --- highlighting ----------------------------------------------------------
  // Ranges [start, end) of `text` (UTF-16 offsets) where any term occurs, normalised.
  function termRanges(text, terms) {
    var norm = "", from = [], to = [], at = 0;
    for (var ch of text) {
      var n = normalise(ch);
      for (var k = 0; k < n.length; k++) { from.push(at); to.push(at + ch.length); }
      norm += n;
      at += ch.length;
    }
    var ranges = [];
    terms.forEach(function (term) {
      for (var i = norm.indexOf(term); i >= 0; i = norm.indexOf(term, i + 1)) {
        ranges.push([from[i], to[i + term.length - 1]]);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) { last[1] = Math.max(last[1], r[1]); } else { merged.push(r.slice()); }
    });
    return merged;
  }
  function appendMarked(parent, text, terms, offset, limit) {
    var start = offset || 0, end = limit === undefined ? text.length : limit, at = start;
    termRanges(text, terms).forEach(function (r) {
      var a = Math.max(r[0], start), b = Math.min(r[1], end);
      if (a >= b || a < at) { return; }
      parent.appendChild(document.createTextNode(text.slice(at, a)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(a, b);
      parent.appendChild(mark);
      at = b;
    });
    parent.appendChild(document.createTextNode(text.slice(at, end)));
  }
  function snippet(parent, text, terms, more) {
    var ranges = termRanges(text, terms);
    var start = ranges.length ? Math.max(0, ranges[0][0] - SNIPPET_BEFORE) : 0;
    var end = Math.min(text.length, start + SNIPPET_LENGTH);
    if (ranges.length && ranges[0][1] > end) { end = Math.min(text.length, ranges[0][1] + 10); }
    if (start > 0) { parent.appendChild(document.createTextNode("…")); }
    appendMarked(parent, text, terms, start, end);
    if (end < text.length || more) { parent.appendChild(document.createTextNode("…")); }
  }

  // --- the page's own query ---------------------------------------------------
  // The keys a term reads (as match() and query() do).
  function termKeys(term) {
    var chars = Array.from(term);
    if (chars.length === 1) { return ["c" + term]; }
    if (chars.length === 2) { return ["b" + term, "w" + term]; }
    return cover(chars.length).map(function (off) { return "t" + chars.slice(off, off + 3).join(""); }).concat(["w" + term]);
  }
  // The search page carries the index's route (bucket count, split buckets, build):
  // with it the query's buckets are requested beside meta.bin, not after it. A
  // route from another build than meta.bin's only costs a wasted request.
  function prefetch(terms) {
    var node = document.getElementById("search-route"), route;
    try { route = node && JSON.parse(node.textContent); } catch (e) { route = null; }
    if (!route || terms.some(tooShort)) { return; }
    terms.forEach(function (term) {
      termKeys(term).forEach(function (key) {
        filesFor(route, key).forEach(function (name) { load(name, "high").catch(function () {}); });
      });
    });
  }
  function readUrl() {
    var params = new URLSearchParams(location.search), filters = {};
    FACETS.forEach(function (f) { var v = params.get(f); if (v) { filters[f] = v; } });
    return { q: params.get("q") || "", filters: filters };
  }
  // This script runs in <head>, before the stylesheet: a page opened with ?q= (or
  // filters) starts its query and its first records now, so they load while the
  // stylesheet and the body do; the page section below uses the same promises.
  var opened = readUrl(), openedQuery = null;
  if (opened.q || Object.keys(opened.filters).length) {
    prefetch(parseTerms(opened.q));
    openedQuery = query(opened.q, opened.filters);
    openedQuery.then(function (out) {
      (out.docs || []).slice(0, PAGE).forEach(function (doc, i) {
        result(doc, out.terms, out.from ? out.from(doc) : undefined, i ? "low" : "high").catch(function () {});
      });
    }, function () {});
  } else {
    meta();  // the page preloads it: read the index before the first keystroke
  }

  // --- the page --------------------------------------------------------------
  // Runs once the body is parsed ("interactive": before deferred scripts and the
  // stylesheet they wait for), so results go into the page as soon as they can.
  function whenParsed(start) {
    if (document.readyState !== "loading") { start(); return; }
    document.addEventListener("readystatechange", function once() {
      document.removeEventListener("readystatechange", once);
      start();
    });
  }
  whenParsed(function () {
    var input = document.getElementById("search-q");
    var form = document.getElementById("search-form");
    var list = document.getElementById("results");
    var facetBox = document.getElementById("facets");
    var status = document.getElementById("search-status");
    var hint = document.getElementById("search-hint");
    var more = document.getElementById("search-more");
    var chips = document.getElementById("search-filters");
    if (!input || !list) { return; }
    var state = { q: "", filters: {}, docs: [], terms: [], shown: 0 }, generation = 0, timer = 0;

    function urlFor(q, filters) {
      var params = new URLSearchParams();
      if (q) { params.set("q", q); }
      FACETS.forEach(function (f) { if (filters[f]) { params.set(f, filters[f]); } });
      var s = params.toString();
      return location.pathname + (s ? "?" + s : "");
    }
    function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
    function el(tag, text, cls) {
      var node = document.createElement(tag);
      if (text !== undefined) { node.textContent = text; }
      if (cls) { node.className = cls; }
      return node;
    }
    function setStatus(text) { status.textContent = text; }

    // pending: the query's promise when it is already under way (the opened URL's)
    function run(push, pending) {
      var mine = ++generation;
      var url = urlFor(state.q, state.filters);
      if (url !== location.pathname + location.search) {
        history[push ? "pushState" : "replaceState"](null, "", url);
      }
      renderChips();
      return (pending || query(state.q, state.filters)).then(function (out) {
        if (mine !== generation) { return; }
        state.docs = out.docs; state.terms = out.terms; state.from = out.from; state.shown = 0;
        clear(list); clear(hint); clear(facetBox); more.hidden = true;
        if (out.state === "empty") { setStatus("输入关键词，搜索标题、正文、区县、举措和人名。"); return; }
        if (out.state === "short") { setStatus("关键词太短：请至少输入一个汉字或两个字母、数字。"); return; }
        if (out.state === "none") { renderFacets(out.facets); setStatus(noneText()); renderSuggestions(); return; }
        // The count and the facets are drawn with the first result, in one frame:
        // drawing them first would lay the page out while the records arrive.
        function summary() {
          renderFacets(out.facets);
          setStatus("找到 " + out.docs.length + " 篇文章" + (state.q ? "包含“" + state.q.trim() + "”" : ""));
        }
        return showMore(mine, summary).catch(function () {
          if (mine === generation) { setStatus("搜索结果加载失败，请稍后刷新页面重试。"); }
        });
      }, function () {
        if (mine === generation) { setStatus("搜索索引加载失败，请稍后刷新页面重试。"); }
      });
    }
    function noneText() {
      return state.q ? "没有找到包含“" + state.q.trim() + "”的文章。" : "没有符合筛选条件的文章。";
    }
    function renderSuggestions() {
      if (Object.keys(state.filters).length) {
        var a = el("a", "去掉筛选条件再搜索");
        a.href = urlFor(state.q, {});
        a.addEventListener("click", function (e) { e.preventDefault(); state.filters = {}; run(true); });
        hint.appendChild(a);
      }
      var longest = state.terms.slice().sort(function (a, b) { return b.length - a.length; })[0] || "";
      var chars = Array.from(longest);
      if (chars.length > 2) {
        var shorter = chars.slice(0, Math.max(2, Math.floor(chars.length / 2))).join("");
        var b = el("a", "试试更短的词：" + shorter);
        b.href = urlFor(shorter, state.filters);
        b.addEventListener("click", function (e) { e.preventDefault(); state.q = shorter; input.value = shorter; run(true); });
        if (hint.firstChild) { hint.appendChild(document.createTextNode(" · ")); }
        hint.appendChild(b);
      }
    }
    // `first`, if given, runs once the first of these results is on the page
    function showMore(mine, first) {
      var batch = state.docs.slice(state.shown, state.shown + PAGE);
      state.shown += batch.length;
      // fetched in parallel, shown in rank order as soon as each and those above it arrive
      var shown = Promise.resolve();
      batch.map(function (doc, i) {
        return result(doc, state.terms, state.from ? state.from(doc) : undefined, i ? "low" : "high");
      }).forEach(function (pending) {
        shown = shown.then(function () { return pending; }).then(function (r) {
          if (mine !== generation) { return; }
          list.appendChild(resultItem(r));
          if (first) { first(); first = null; }
        });
      });
      return shown.then(function () {
        if (mine === generation) { more.hidden = state.shown >= state.docs.length; }
      });
    }
    function resultItem(r) {
      var li = el("li", undefined, "result");
      var h = el("h2", undefined, "result-title");
      var a = el("a", undefined, "result-link");
      a.href = r.url;
      appendMarked(a, r.title, state.terms);
      h.appendChild(a);
      li.appendChild(h);
      var parts = [r.date].concat(r.districts, r.programmes);
      if (r.kind !== "article") { parts.push(KIND_LABELS[r.kind] || r.kind); }
      li.appendChild(el("p", parts.join(" · "), "result-meta"));
      var p = el("p", undefined, "result-snippet");
      snippet(p, r.text, state.terms, r.more);
      li.appendChild(p);
      return li;
    }
    function renderFacets(facets) {
      clear(facetBox);
      if (!facets) { return; }
      FACETS.forEach(function (facet) {
        var values = facets[facet];
        if (!values.length) { return; }
        var section = el("section", undefined, "facet");
        section.appendChild(el("h2", FACET_LABELS[facet]));
        var ul = el("ul");
        values.forEach(function (v) {
          var active = state.filters[facet] === v.name;
          var filters = Object.assign({}, state.filters);
          if (active) { delete filters[facet]; } else { filters[facet] = v.name; }
          var li = el("li"), a = el("a", facet === "kind" ? (KIND_LABELS[v.name] || v.name) : v.name);
          a.href = urlFor(state.q, filters);
          a.setAttribute("data-facet", facet);
          a.setAttribute("data-value", v.name);
          if (active) { a.setAttribute("aria-current", "true"); }
          a.addEventListener("click", function (e) { e.preventDefault(); state.filters = filters; run(true); });
          li.appendChild(a);
          li.appendChild(el("span", String(v.count), "count"));
          ul.appendChild(li);
        });
        section.appendChild(ul);
        facetBox.appendChild(section);
      });
    }
    function renderChips() {
      clear(chips);
      Object.keys(state.filters).forEach(function (facet) {
        var filters = Object.assign({}, state.filters);
        delete filters[facet];
        var a = el("a", FACET_LABELS[facet] + "：" + state.filters[facet] + " ×", "chip");
        a.href = urlFor(state.q, filters);
        a.setAttribute("aria-label", "去掉筛选 " + FACET_LABELS[facet] + " " + state.filters[facet]);
        a.addEventListener("click", function (e) { e.preventDefault(); state.filters = filters; run(true); });
        chips.appendChild(a);
      });
    }
    function links() { return Array.prototype.slice.call(list.querySelectorAll("a.result-link")); }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.q = input.value; run(false); }, DEBOUNCE_MS);
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      clearTimeout(timer);
      state.q = input.value;
      run(false);
    });
    more.addEventListener("click", function () { showMore(generation); });
    document.addEventListener("keydown", function (e) {
      var target = e.target, inField = /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable;
      if (e.key === "/" && !inField && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        input.focus();
        input.select();
        return;
      }
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") { return; }
      var all = links(), at = all.indexOf(target);
      if (target !== input && at < 0) { return; }
      e.preventDefault();
      if (e.key === "ArrowDown") {
        if (at + 1 < all.length) { all[at + 1].focus(); }
      } else if (at > 0) {
        all[at - 1].focus();
      } else {
        input.focus();
      }
    });
    window.addEventListener("popstate", function () {
      var s = readUrl();
      state.q = s.q; state.filters = s.filters; input.value = s.q;
      run(false);
    });
    state.q = opened.q; state.filters = opened.filters; input.value = opened.q;
    run(false, openedQuery);
  });
})();
