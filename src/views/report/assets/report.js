// wiretap report page: reads the JSON block #wiretap-data and draws Overview, Map, Transactions,
// Transaction detail and Compare. No network, no framework, no innerHTML with data (text nodes only).
(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('wiretap-data').textContent);
  var ROW_H = 24;
  var LIST_PAGE = 1000;
  var TX_BY_ID = {};
  DATA.transactions.forEach(function (t) { TX_BY_ID[t.id] = t; });

  // ---- small helpers ----------------------------------------------------------------------------
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) continue;
        if (k === 'text') el.textContent = v;
        else if (k === 'class') el.className = v;
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : v);
      }
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  var SVG = 'http://www.w3.org/2000/svg';
  function s(tag, attrs) {
    var el = document.createElementNS(SVG, tag);
    for (var k in attrs || {}) if (k === 'text') el.textContent = attrs[k]; else el.setAttribute(k, attrs[k]);
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) el.appendChild(arguments[i]);
    return el;
  }
  function ms(v) {
    if (v === undefined || v === null || isNaN(v)) return '–';
    if (v >= 10000) return (v / 1000).toFixed(1) + ' s';
    if (v >= 1000) return (v / 1000).toFixed(2) + ' s';
    if (v >= 100) return v.toFixed(0) + ' ms';
    if (v >= 10) return v.toFixed(1) + ' ms';
    return v.toFixed(2) + ' ms';
  }
  function pct(v) { return (v * 100).toFixed(v > 0 && v < 0.01 ? 2 : 1) + '%'; }
  function time(epochMs) {
    var d = new Date(epochMs);
    return d.toISOString().replace('T', ' ').replace('Z', '');
  }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

  // ---- layout -----------------------------------------------------------------------------------
  var app = document.getElementById('app');
  var T = DATA.totals;
  var header = h('header', { class: 'top' },
    h('h1', { text: DATA.title }),
    h('p', { class: 'meta' },
      T.spans + ' spans, ' + T.transactions + ' transactions from ' + DATA.files.join(', ') +
      ' · generated ' + DATA.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')));
  if (DATA.reduced) {
    var r = DATA.reduced;
    header.appendChild(h('p', { class: 'notice', id: 'reduced-notice', role: 'note' },
      h('strong', { text: 'Large input: ' }),
      'the statistics and the map count every span, but only ' + T.embeddedTransactions + ' of ' + T.transactions +
      ' transactions (' + T.embeddedSpans + ' spans) are embedded for search and detail: ' +
      r.unfinished + ' unfinished, ' + r.errors + ' with errors, ' + r.slowest + ' of the slowest and ' +
      r.samplePerOperation + ' sampled per operation. (' + r.reason + '.)'));
  }
  var TABS = [
    ['overview', 'Overview'], ['map', 'Map'], ['transactions', 'Transactions'], ['tx', 'Transaction'], ['compare', 'Compare'],
  ];
  var nav = h('nav', { role: 'tablist', 'aria-label': 'Views' });
  var sections = {};
  var main = h('main');
  TABS.forEach(function (t, i) {
    var btn = h('button', {
      role: 'tab', id: 'tab-' + t[0], 'aria-controls': 'view-' + t[0], 'aria-selected': 'false', tabindex: '-1',
      text: t[1], onclick: function () { go(t[0] === 'tx' ? '#tx/' + (currentTx || '') : '#' + t[0]); },
    });
    btn.addEventListener('keydown', function (e) {
      var j = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : -2;
      if (j === -2) return;
      e.preventDefault();
      j = (j + TABS.length) % TABS.length;
      var next = document.getElementById('tab-' + TABS[j][0]);
      next.focus();
      next.click();
    });
    nav.appendChild(btn);
    sections[t[0]] = h('section', { id: 'view-' + t[0], role: 'tabpanel', 'aria-labelledby': 'tab-' + t[0], hidden: true, tabindex: '-1' });
    main.appendChild(sections[t[0]]);
  });
  header.appendChild(nav);
  app.appendChild(header);
  app.appendChild(main);

  var currentTx = DATA.transactions.length ? DATA.transactions[0].id : null;
  var rendered = {};
  // Navigation draws at once (not on the asynchronous hashchange), so a key press shows its view before
  // the next one; hashchange then finds the view already drawn and only handles Back/Forward and links.
  var routed = null;
  function go(hash) { if (location.hash !== hash) location.hash = hash; route(true); }
  function route(force) {
    if (force !== true && location.hash === routed) return;
    routed = location.hash;
    var parts = (location.hash || '#overview').slice(1).split('/').map(decodeURIComponent);
    var view = sections[parts[0]] ? parts[0] : 'overview';
    if (view === 'tx' && parts[1]) currentTx = parts[1];
    TABS.forEach(function (t) {
      var on = t[0] === view;
      sections[t[0]].hidden = !on;
      var b = document.getElementById('tab-' + t[0]);
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
    });
    if (view === 'tx') renderDetail(sections.tx, currentTx);
    else if (view === 'compare') renderCompare(sections.compare, parts[1], parts[2]);
    else if (!rendered[view]) { rendered[view] = true; RENDER[view](sections[view]); }
  }
  window.addEventListener('hashchange', route);

  // ---- Overview ---------------------------------------------------------------------------------
  function renderOverview(root) {
    root.appendChild(h('h2', { text: 'Integrations: latency from the caller\u2019s side' }));
    if (!DATA.stats.length) { root.appendChild(h('p', { class: 'empty', text: 'No outgoing calls in these files.' })); return; }
    var scale = Math.max.apply(null, DATA.stats.map(function (r) { return r.p99; })) || 1;
    var showResource = DATA.stats.some(function (r) { return r.resource; });
    root.appendChild(h('div', { class: 'legend' },
      legendSwatch('p50', 'var(--bar)'), legendSwatch('p95', 'var(--bar2)'), legendSwatch('p99', 'var(--bar3)'),
      h('span', { text: 'bars share one scale (longest p99: ' + ms(scale) + '); the distribution is log-scaled from 0.1 ms to 2 min' })));
    var head = ['caller', 'service', 'operation'].concat(showResource ? ['resource'] : [])
      .concat(['calls', 'errors', 'error %', 'retried', 'p50', 'p95', 'p99', 'max', 'total', 'p50 / p95 / p99', 'distribution']);
    var numeric = { calls: 1, errors: 1, 'error %': 1, retried: 1, p50: 1, p95: 1, p99: 1, max: 1, total: 1 };
    var tbody = h('tbody');
    DATA.stats.forEach(function (r) {
      var bars = h('div', { class: 'pbars', role: 'img', 'aria-label': 'p50 ' + ms(r.p50) + ', p95 ' + ms(r.p95) + ', p99 ' + ms(r.p99) });
      ['p99', 'p95', 'p50'].forEach(function (p) {
        var b = h('span', { class: p, 'data-ms': r[p] });
        b.style.width = (100 * r[p] / scale) + '%';
        bars.appendChild(b);
      });
      tbody.appendChild(h('tr', { 'data-key': r.key },
        h('td', { text: r.service }), h('td', { text: r.peer }), h('td', { text: r.operation }),
        showResource ? h('td', { text: r.resource || '' }) : null,
        h('td', { class: 'num', text: r.count }),
        h('td', { class: 'num' + (r.errors ? ' err' : ''), text: r.errors }),
        h('td', { class: 'num' + (r.errors ? ' err' : ''), text: pct(r.errorRate) }),
        h('td', { class: 'num', text: r.retried }),
        h('td', { class: 'num', text: ms(r.p50) }), h('td', { class: 'num', text: ms(r.p95) }),
        h('td', { class: 'num', text: ms(r.p99) }), h('td', { class: 'num', text: ms(r.max) }),
        h('td', { class: 'num', text: ms(r.totalMs) }),
        h('td', null, bars),
        h('td', null, histogram(r.histogram))));
    });
    root.appendChild(h('div', { class: 'table-wrap' }, h('table', { id: 'stats-table' },
      h('caption', { class: 'sr-only', text: 'Per integration: calls, errors, retries and latency percentiles' }),
      h('thead', null, h('tr', null, head.map(function (c) { return h('th', { scope: 'col', class: numeric[c] ? 'num' : null, text: c }); }))),
      tbody)));
  }
  function legendSwatch(label, color) {
    var sw = h('span', { class: 'swatch' });
    sw.style.background = color;
    return h('span', null, sw, label);
  }
  function histogram(counts) {
    var W = 120, H = 22;
    var max = Math.max.apply(null, counts) || 1;
    var bw = W / counts.length;
    var edges = DATA.histogramEdges;
    var svg = s('svg', { class: 'hist', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img',
      'aria-label': 'latency distribution' });
    counts.forEach(function (c, i) {
      if (!c) return;
      var hgt = Math.max(1.5, (H - 1) * c / max);
      var lo = i === 0 ? 0 : edges[i - 1];
      var hi = i < edges.length ? edges[i] : Infinity;
      svg.appendChild(s('rect', { x: (i * bw).toFixed(2), y: (H - hgt).toFixed(2), width: Math.max(1, bw - 1).toFixed(2), height: hgt.toFixed(2) },
        s('title', { text: c + ' calls ' + ms(lo) + '–' + (hi === Infinity ? '…' : ms(hi)) })));
    });
    return svg;
  }

  // ---- Map --------------------------------------------------------------------------------------
  function renderMap(root) {
    root.appendChild(h('h2', { text: 'Service map: calling functions \u2192 external services, from real traffic' }));
    var nodes = DATA.map.nodes, edges = DATA.map.edges;
    if (!nodes.length) { root.appendChild(h('p', { class: 'empty', text: 'No calls to draw.' })); return; }
    // Layers by longest path over the edges that remain after a depth-first walk from the sources drops
    // the back edges of cycles (a function that consumes its own queue): those are drawn as loops below.
    var outOf = {}, indeg = {}, layer = {}, state = {}, back = {};
    nodes.forEach(function (n) { outOf[n.id] = []; indeg[n.id] = 0; layer[n.id] = 0; });
    edges.forEach(function (e, i) { outOf[e.from].push(i); indeg[e.to]++; });
    var order = [];
    function visit(id) {
      state[id] = 1;
      outOf[id].forEach(function (i) {
        var to = edges[i].to;
        if (state[to] === 1) back[i] = true;
        else if (!state[to]) visit(to);
      });
      state[id] = 2;
      order.push(id);
    }
    nodes.filter(function (n) { return indeg[n.id] === 0; }).concat(nodes).forEach(function (n) { if (!state[n.id]) visit(n.id); });
    order.reverse().forEach(function (id) {
      outOf[id].forEach(function (i) { if (!back[i]) layer[edges[i].to] = Math.max(layer[edges[i].to], layer[id] + 1); });
    });
    // Services sit in the last column of their callers, functions before what they call.
    var cols = [];
    nodes.forEach(function (n) { (cols[layer[n.id]] = cols[layer[n.id]] || []).push(n); });
    cols = cols.filter(Boolean);
    cols.forEach(function (c) { c.sort(function (a, b) { return a.label < b.label ? -1 : a.label > b.label ? 1 : 0; }); });
    var NW = 180, NH = 34, GX = 250, GY = 30, PAD = 20;
    var pos = {};
    var rows = Math.max.apply(null, cols.map(function (c) { return c.length; }));
    var LOOP = Object.keys(back).length ? 70 : 0; // room under the nodes for the back edges' loops
    var height = PAD * 2 + rows * NH + (rows - 1) * GY + LOOP;
    cols.forEach(function (c, ci) {
      var colH = c.length * NH + (c.length - 1) * GY;
      c.forEach(function (n, ri) { pos[n.id] = { x: PAD + ci * (NW + GX), y: (height - LOOP - colH) / 2 + ri * (NH + GY) }; });
    });
    var width = PAD * 2 + cols.length * NW + (cols.length - 1) * GX;
    var svg = s('svg', { class: 'map', id: 'service-map', viewBox: '0 0 ' + width + ' ' + height, role: 'img',
      'aria-label': 'Service map with ' + nodes.length + ' nodes and ' + edges.length + ' edges' });
    svg.style.maxWidth = width + 'px';
    svg.appendChild(s('defs', null, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0 L10,5 L0,10 z' }))));
    var labelTable = h('tbody');
    edges.forEach(function (e, i) {
      var a = pos[e.from], b = pos[e.to];
      var x1 = a.x + NW, y1 = a.y + NH / 2, x2 = b.x, y2 = b.y + NH / 2;
      var mx = (x1 + x2) / 2, d, lx = x2 - 12, ly = y2 - 6, anchor = 'end';
      if (back[i] || x2 <= x1) {
        // A loop under the nodes, from the bottom of the source back to the bottom of the target.
        x1 = a.x + NW / 2; y1 = a.y + NH; x2 = b.x + NW / 2; y2 = b.y + NH;
        var low = Math.max(y1, y2) + 55;
        d = 'M' + x1 + ',' + y1 + ' C' + x1 + ',' + low + ' ' + x2 + ',' + low + ' ' + x2 + ',' + y2;
        lx = (x1 + x2) / 2; ly = low - 2; anchor = 'middle';
      } else {
        d = 'M' + x1 + ',' + y1 + ' C' + mx + ',' + y1 + ' ' + mx + ',' + y2 + ' ' + x2 + ',' + y2;
      }
      var label = e.count + '\u00d7 · p95 ' + ms(e.p95) + (e.async ? ' queued' : '') + ' · ' + pct(e.errorRate) + ' err';
      var g = s('g', { class: 'edge' + (e.async ? ' async' : '') + (e.errorRate > 0 ? ' failing' : ''), 'data-from': e.from, 'data-to': e.to },
        s('path', { d: d, 'marker-end': 'url(#arrow)' }),
        s('text', { x: lx, y: ly, 'text-anchor': anchor, text: label }),
        s('title', { text: labelOf(e.from) + ' \u2192 ' + labelOf(e.to) + (e.async ? ' (async hop)' : '') + ': ' + label }));
      svg.appendChild(g);
      labelTable.appendChild(h('tr', null, h('td', { text: labelOf(e.from) }), h('td', { text: labelOf(e.to) }),
        h('td', { text: e.async ? 'async (dashed)' : 'call' }), h('td', { class: 'num', text: e.count }),
        h('td', { class: 'num', text: ms(e.p95) }), h('td', { class: 'num', text: pct(e.errorRate) })));
    });
    nodes.forEach(function (n) {
      var p = pos[n.id];
      svg.appendChild(s('g', { class: 'node ' + n.kind, 'data-id': n.id, transform: 'translate(' + p.x + ',' + p.y + ')' },
        s('rect', { width: NW, height: NH, rx: n.kind === 'function' ? 8 : 3 }),
        s('text', { x: NW / 2, y: NH / 2 + 4, 'text-anchor': 'middle', text: trim(n.label, 26) }),
        s('title', { text: n.kind + ': ' + n.label })));
    });
    root.appendChild(h('div', { class: 'legend' }, h('span', { text: 'rounded: calling function · square: external service · dashed box: queue, topic or bus · dashed edge: async hop (label: queueing delay)' })));
    root.appendChild(svg);
    root.appendChild(h('h3', { text: 'Edges' }));
    root.appendChild(h('table', { id: 'map-edges' }, h('thead', null, h('tr', null,
      ['from', 'to', 'kind', 'count', 'p95', 'error %'].map(function (c, i) { return h('th', { scope: 'col', class: i >= 3 ? 'num' : null, text: c }); }))), labelTable));
    function labelOf(id) { for (var i = 0; i < nodes.length; i++) if (nodes[i].id === id) return nodes[i].label; return id; }
  }
  function trim(str, n) { return str.length > n ? str.slice(0, n - 1) + '\u2026' : str; }

  // ---- Transactions -----------------------------------------------------------------------------
  var searchIndex = null;
  function searchText(t) {
    var parts = [t.id, t.name, t.service].concat(t.traceIds);
    t.spans.forEach(function (sp) {
      parts.push(sp.id, sp.name, sp.service, sp.summary, sp.request || '', sp.response || '');
      sp.attributes.forEach(function (a) { parts.push(a[0] + '=' + a[1]); });
      sp.events.forEach(function (ev) { parts.push(ev.name); ev.attributes.forEach(function (a) { parts.push(a[1]); }); });
    });
    (t.logs || []).forEach(function (l) { parts.push(l.body); });
    return parts.join('\n').toLowerCase();
  }
  var listState = { sort: 'start', dir: 1, shown: LIST_PAGE };
  function renderTransactions(root) {
    root.appendChild(h('h2', { text: 'Transactions' }));
    var services = {};
    DATA.transactions.forEach(function (t) { t.services.concat(t.peers).forEach(function (x) { services[x] = 1; }); });
    var q = h('input', { type: 'search', id: 'tx-search', placeholder: 'ids, names, attributes, bodies', 'aria-label': 'Search transactions (press / to focus)', title: 'press / to focus' });
    var flags = {};
    function flag(id, label, title) {
      var box = h('input', { type: 'checkbox', id: 'f-' + id });
      flags[id] = box;
      box.addEventListener('change', update);
      return h('label', { title: title }, box, ' ' + label);
    }
    var svc = h('select', { id: 'f-service', 'aria-label': 'Service' }, h('option', { value: '', text: 'any service' }),
      Object.keys(services).sort().map(function (x) { return h('option', { value: x, text: x }); }));
    svc.addEventListener('change', update);
    var count = h('span', { class: 'count', id: 'tx-count', 'aria-live': 'polite' });
    var timer = null;
    q.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(update, 120); });
    q.addEventListener('keydown', function (e) { if (e.key === 'Enter') { clearTimeout(timer); update(); } });
    root.appendChild(h('div', { class: 'toolbar', role: 'search' }, q,
      flag('slow', 'slow', 'at least ' + ms(DATA.slowMs) + ' (the slowest 10%)'), flag('errors', 'errors'), flag('retries', 'retries'),
      flag('unfinished', 'unfinished'), svc, count));
    if (DATA.reduced) root.appendChild(h('p', { class: 'wf-note', text: 'Search and filters cover the ' + T.embeddedTransactions + ' embedded transactions (see the note at the top).' }));
    var cols = [['start', 'start'], ['name', 'root'], ['service', 'service'], ['peers', 'calls to'], ['duration', 'duration'], ['calls', 'calls'],
      ['errors', 'errors'], ['retries', 'retries'], ['hops', 'async hops'], ['unfinished', 'unfinished']];
    var thead = h('tr');
    cols.forEach(function (c) {
      var th = h('th', { scope: 'col', class: /^(start|name|service|peers)$/.test(c[0]) ? null : 'num', 'aria-sort': 'none' },
        h('button', { text: c[1], onclick: function () { listState.dir = listState.sort === c[0] ? -listState.dir : (c[0] === 'start' || c[0] === 'name' ? 1 : -1); listState.sort = c[0]; update(); } }));
      th.dataset.col = c[0];
      thead.appendChild(th);
    });
    var tbody = h('tbody', { id: 'tx-rows' });
    var more = h('button', { id: 'tx-more', hidden: true, onclick: function () { listState.shown += LIST_PAGE; update(); } });
    root.appendChild(h('div', { class: 'table-wrap' }, h('table', { id: 'tx-table' }, h('thead', null, thead), tbody)));
    root.appendChild(more);
    tbody.addEventListener('keydown', function (e) {
      var row = e.target.closest && e.target.closest('tr');
      if (!row) return;
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go('#tx/' + encodeURIComponent(row.dataset.id)); }
      else if (e.key === 'ArrowDown' && row.nextElementSibling) { e.preventDefault(); row.nextElementSibling.focus(); }
      else if (e.key === 'ArrowUp' && row.previousElementSibling) { e.preventDefault(); row.previousElementSibling.focus(); }
    });
    function update() {
      var terms = q.value.toLowerCase().split(/\s+/).filter(Boolean);
      if (terms.length && !searchIndex) searchIndex = DATA.transactions.map(searchText);
      var list = [];
      DATA.transactions.forEach(function (t, i) {
        if (flags.slow.checked && t.duration < DATA.slowMs) return;
        if (flags.errors.checked && !t.errors) return;
        if (flags.retries.checked && !t.retries) return;
        if (flags.unfinished.checked && !t.unfinished) return;
        if (svc.value && t.services.indexOf(svc.value) < 0 && t.peers.indexOf(svc.value) < 0) return;
        for (var k = 0; k < terms.length; k++) if (searchIndex[i].indexOf(terms[k]) < 0) return;
        list.push(t);
      });
      var key = listState.sort === 'start' ? 'startMs' : listState.sort, dir = listState.dir;
      list.sort(function (a, b) { var x = a[key], y = b[key]; if (key === 'peers') { x = x.join(); y = y.join(); } return (x < y ? -1 : x > y ? 1 : 0) * dir; });
      Array.prototype.forEach.call(thead.children, function (th) {
        th.setAttribute('aria-sort', th.dataset.col === listState.sort ? (dir > 0 ? 'ascending' : 'descending') : 'none');
      });
      clear(tbody);
      // One tab stop for the whole list (the first row); arrow keys move between rows.
      list.slice(0, listState.shown).forEach(function (t, i) {
        tbody.appendChild(h('tr', { class: 'clickable', tabindex: i === 0 ? '0' : '-1', 'data-id': t.id, onclick: function () { go('#tx/' + encodeURIComponent(t.id)); } },
          h('td', { class: 'mono', text: time(t.startMs) }), h('td', { text: t.name }), h('td', { text: t.service }),
          h('td', { class: 'peers', text: t.peers.join(', ') }),
          h('td', { class: 'num', text: ms(t.duration) }), h('td', { class: 'num', text: t.calls }),
          h('td', { class: 'num' + (t.errors ? ' err' : ''), text: t.errors }), h('td', { class: 'num', text: t.retries }),
          h('td', { class: 'num', text: t.hops }), h('td', { class: 'num', text: t.unfinished })));
      });
      count.textContent = list.length + ' of ' + DATA.transactions.length + ' transactions';
      more.hidden = list.length <= listState.shown;
      more.textContent = 'show ' + Math.min(LIST_PAGE, list.length - listState.shown) + ' more';
    }
    update();
  }
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && !/^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) {
      e.preventDefault();
      if (location.hash !== '#transactions') go('#transactions');
      var q = document.getElementById('tx-search');
      if (q) q.focus();
    }
  });

  // ---- Transaction detail -----------------------------------------------------------------------
  function renderDetail(root, id) {
    clear(root);
    var t = id && TX_BY_ID[id];
    if (!t) {
      root.appendChild(h('h2', { text: 'Transaction' }));
      root.appendChild(h('p', { class: 'empty', text: id ? 'Transaction ' + id + ' is not embedded in this report.' : 'Pick a transaction in the Transactions tab.' }));
      return;
    }
    var total = Math.max(t.duration, 1e-6);
    root.appendChild(h('h2', null, t.name + ' ', h('span', { class: 'badge', text: ms(t.duration) }),
      t.errors ? h('span', { class: 'badge err', text: plural(t.errors, 'error') }) : null,
      t.unfinished ? h('span', { class: 'badge open', text: t.unfinished + ' unfinished' }) : null,
      t.hops ? h('span', { class: 'badge', text: plural(t.hops, 'async hop') }) : null));
    root.appendChild(h('p', { class: 'meta' }, t.service + ' · started ' + time(t.startMs) + ' UTC · ' + t.spans.length + ' spans · traces ' + t.traceIds.join(', ') + ' · ',
      h('a', { href: '#compare/' + encodeURIComponent(t.id), text: 'compare with another' })));
    root.appendChild(h('div', { class: 'legend' }, legendSwatch('call', 'var(--bar)'), legendSwatch('error', 'var(--err)'),
      h('span', null, h('span', { class: 'badge crit', text: 'critical path' }), ' underlined'),
      h('span', null, h('span', { class: 'badge open', text: 'open bar' }), ' still in flight when exported'),
      h('span', { text: '- - - queueing delay of an async hop · faded: an earlier attempt' })));
    var scroll = h('div', { class: 'wf-scroll', id: 'waterfall', tabindex: '0', role: 'listbox', 'aria-label': 'Waterfall: arrow keys move, Enter opens' });
    var inner = h('div', { class: 'wf-inner' });
    scroll.appendChild(inner);
    inner.style.height = t.spans.length * ROW_H + 'px';
    scroll.style.height = Math.min(t.spans.length * ROW_H + 2, Math.max(240, window.innerHeight * 0.62)) + 'px';
    var panel = h('aside', { class: 'panel', id: 'span-panel', 'aria-live': 'polite' });
    root.appendChild(h('div', { class: 'detail' }, h('div', null,
      h('div', { class: 'wf-head' }, h('span', { text: 'call' }), h('span', { text: '0 \u2192 ' + ms(t.duration) })), scroll), panel));
    var selected = 0;
    var drawn = { from: -1, to: -1 };
    function draw(force) {
      var top = scroll.scrollTop, hgt = scroll.clientHeight || 400;
      var from = Math.max(0, Math.floor(top / ROW_H) - 10), to = Math.min(t.spans.length, Math.ceil((top + hgt) / ROW_H) + 10);
      if (!force && from === drawn.from && to === drawn.to) return;
      drawn = { from: from, to: to };
      clear(inner);
      for (var i = from; i < to; i++) inner.appendChild(row(t.spans[i], i));
    }
    function row(sp, i) {
      var bar = h('div', {
        class: 'bar' + (sp.error ? ' error' : '') + (sp.critical ? ' crit' : '') + (sp.unfinished ? ' open' : '') + (sp.attempt < sp.attempts ? ' retry' : ''),
        'data-ms': sp.duration, 'data-start': sp.start, title: sp.name + ': ' + ms(sp.duration) + (sp.unfinished ? ' (unfinished)' : ''),
      });
      bar.style.left = (100 * sp.start / total) + '%';
      bar.style.width = (100 * sp.duration / total) + '%';
      var track = h('div', { class: 'wf-track' }, bar);
      if (sp.hop) {
        var gap = h('div', { class: 'hop-gap', title: 'queued ' + ms(sp.hop.queueDelayMs) + ' (' + sp.hop.via + ')' });
        var q = Math.max(0, sp.hop.queueDelayMs);
        gap.style.left = (100 * (sp.start - q) / total) + '%';
        gap.style.width = (100 * q / total) + '%';
        track.insertBefore(gap, bar);
      }
      var label = h('div', { class: 'wf-label' });
      label.style.paddingLeft = (6 + sp.depth * 14) + 'px';
      // Badges before the summary: when the row is cut, it is the summary that goes.
      append(label, [sp.hop ? '\u21e2 ' : '', sp.name,
        sp.attempts > 1 ? h('span', { class: 'badge', text: 'attempt ' + sp.attempt + '/' + sp.attempts }) : null,
        sp.unfinished ? h('span', { class: 'badge open', text: 'unfinished' }) : null,
        sp.error ? h('span', { class: 'badge err', text: 'error' }) : null,
        sp.summary ? h('span', { class: 'sum', text: ' ' + sp.summary }) : null]);
      var el = h('div', { class: 'wf-row' + (i === selected ? ' selected' : ''), id: 'wf-' + i, role: 'option', 'aria-selected': i === selected ? 'true' : 'false',
        'data-index': i, 'data-span': sp.id, onclick: function () { select(i); scroll.focus(); } }, label, track);
      el.style.top = i * ROW_H + 'px';
      return el;
    }
    function select(i) {
      selected = Math.max(0, Math.min(t.spans.length - 1, i));
      var top = selected * ROW_H;
      if (top < scroll.scrollTop) scroll.scrollTop = top;
      else if (top + ROW_H > scroll.scrollTop + scroll.clientHeight) scroll.scrollTop = top + ROW_H - scroll.clientHeight;
      draw(true);
      scroll.setAttribute('aria-activedescendant', 'wf-' + selected);
      showSpan(panel, t, t.spans[selected]);
    }
    scroll.addEventListener('scroll', function () { draw(false); });
    scroll.addEventListener('keydown', function (e) {
      var page = Math.max(1, Math.floor(scroll.clientHeight / ROW_H) - 1);
      var next = { ArrowDown: selected + 1, ArrowUp: selected - 1, PageDown: selected + page, PageUp: selected - page, Home: 0, End: t.spans.length - 1 }[e.key];
      if (next !== undefined) { e.preventDefault(); select(next); }
      else if (e.key === 'Enter') { e.preventDefault(); var link = panel.querySelector('a.joined'); if (link) link.focus(); }
    });
    requestAnimationFrame(function () { draw(true); });
    draw(true);
    scroll.setAttribute('aria-activedescendant', 'wf-0');
    showSpan(panel, t, t.spans[0]);
    var logs = transactionLogs(t, select);
    if (logs) root.appendChild(logs);
  }
  function showSpan(panel, t, sp) {
    clear(panel);
    panel.appendChild(h('h3', { text: sp.name }));
    var facts = [
      ['service', sp.service], ['kind', sp.kind], ['start', '+' + ms(sp.start)], ['duration', ms(sp.duration) + (sp.unfinished ? ' so far (unfinished' + (sp.unfinishedReason ? ': ' + sp.unfinishedReason : '') + ')' : '')],
      ['status', sp.error ? 'error' : 'ok'], ['span id', sp.id], ['trace id', sp.traceId],
    ];
    if (sp.attempts > 1) facts.push(['attempt', sp.attempt + ' of ' + sp.attempts]);
    if (sp.critical) facts.push(['critical path', 'yes']);
    if (sp.hop) facts.push(['async hop', 'via ' + sp.hop.via + ' ' + sp.hop.key + ', queued ' + ms(sp.hop.queueDelayMs)]);
    panel.appendChild(kv(facts));
    if (sp.links.length) {
      panel.appendChild(h('h3', { text: 'Links' }));
      panel.appendChild(h('ul', null, sp.links.map(function (l) {
        if (l.transactionId && l.transactionId !== t.id && TX_BY_ID[l.transactionId]) {
          return h('li', null, h('a', { class: 'joined', href: '#tx/' + encodeURIComponent(l.transactionId), text: 'joined transaction ' + TX_BY_ID[l.transactionId].name }), ' (span ' + l.spanId + ')');
        }
        if (l.transactionId === t.id) return h('li', { text: 'span ' + l.spanId + ' in this transaction' });
        return h('li', { text: 'trace ' + l.traceId + ' span ' + l.spanId + (l.transactionId ? ' (not embedded)' : ' (not in the files)') });
      })));
    }
    if (sp.request !== undefined) { panel.appendChild(h('h3', { text: 'Request body (redacted)' })); panel.appendChild(h('pre', { class: 'body', id: 'req-body', text: pretty(sp.request) })); }
    if (sp.response !== undefined) { panel.appendChild(h('h3', { text: 'Response body (redacted)' })); panel.appendChild(h('pre', { class: 'body', id: 'res-body', text: pretty(sp.response) })); }
    if (sp.events.length) {
      panel.appendChild(h('h3', { text: 'Events' }));
      panel.appendChild(h('ul', null, sp.events.map(function (ev) {
        return h('li', null, '+' + ms(ev.offset) + ' ' + ev.name, ev.attributes.length ? kv(ev.attributes) : null);
      })));
    }
    var own = (t.logs || []).filter(function (l) { return l.spanId === sp.id; });
    if (own.length) {
      panel.appendChild(h('h3', { text: 'Log lines (' + own.length + ')' }));
      panel.appendChild(logList(own, 'span-logs'));
    }
    panel.appendChild(h('h3', { text: 'Attributes' }));
    panel.appendChild(kv(sp.attributes));
  }
  function logList(lines, id) {
    return h('ol', { class: 'logs', id: id }, lines.map(function (l) {
      var cls = l.level >= 17 ? 'log err' : l.level >= 13 ? 'log warn' : 'log';
      return h('li', { class: cls }, h('span', { class: 'mono', text: '+' + ms(l.offset) + ' ' + (l.severity || '') + ' ' }), l.body);
    }));
  }
  /** Below the waterfall: every line in time order, with the call it was written in (a click selects it). */
  function transactionLogs(t, select) {
    if (!t.logs || !t.logs.length) return null;
    var names = {};
    t.spans.forEach(function (sp, i) { names[sp.id] = i; });
    var open = t.spans.filter(function (sp) { return sp.unfinished; });
    var last = open.length ? t.logs.filter(function (l) { return l.offset <= open[0].start + open[0].duration; }).slice(-3) : [];
    return h('section', { class: 'tx-logs', 'aria-label': 'Log lines' },
      h('h3', { text: 'Log lines (' + t.logs.length + (t.logsOmitted ? ', ' + t.logsOmitted + ' earlier ones left out' : '') + ')' }),
      last.length ? h('p', { class: 'badge open', id: 'last-logs', text: 'last lines before ' + open[0].name + ' was cut off: ' + last.map(function (l) { return l.body; }).join(' · ') }) : null,
      h('ol', { class: 'logs', id: 'tx-logs' }, t.logs.map(function (l) {
        var cls = l.level >= 17 ? 'log err' : l.level >= 13 ? 'log warn' : 'log';
        var at = l.spanId !== null && names[l.spanId] !== undefined ? names[l.spanId] : -1;
        return h('li', { class: cls }, h('span', { class: 'mono', text: '+' + ms(l.offset) + ' ' + (l.severity || '') + ' ' }), l.body,
          at >= 0 ? h('a', { href: '#', class: 'log-span', text: ' \u2190 ' + t.spans[at].name, onclick: function (e) { e.preventDefault(); select(at); } }) : null);
      })));
  }
  function kv(pairs) {
    return h('table', null, h('tbody', null, pairs.map(function (p) { return h('tr', null, h('td', { text: p[0] }), h('td', { class: 'mono', text: p[1] })); })));
  }
  function pretty(body) {
    var trimmed = body.trim();
    if (trimmed[0] === '{' || trimmed[0] === '[') {
      try { return JSON.stringify(JSON.parse(trimmed), null, 2); } catch (e) { /* a truncated prefix: shown as captured */ }
    }
    return body;
  }

  // ---- Compare ----------------------------------------------------------------------------------
  function renderCompare(root, a, b) {
    clear(root);
    root.appendChild(h('h2', { text: 'Compare two transactions' }));
    if (DATA.transactions.length < 2) { root.appendChild(h('p', { class: 'empty', text: 'Needs at least two embedded transactions.' })); return; }
    var ids = DATA.transactions.map(function (t) { return t.id; });
    a = TX_BY_ID[a] ? a : ids[0];
    b = TX_BY_ID[b] && b !== a ? b : ids.filter(function (x) { return x !== a && TX_BY_ID[x].name === TX_BY_ID[a].name; })[0] || ids.filter(function (x) { return x !== a; })[0];
    function picker(id, value, which) {
      var sel = h('select', { id: id, 'aria-label': which }, DATA.transactions.slice(0, 5000).map(function (t) {
        return h('option', { value: t.id, selected: t.id === value, text: t.name + ' · ' + ms(t.duration) + ' · ' + time(t.startMs) });
      }));
      sel.addEventListener('change', function () { go('#compare/' + encodeURIComponent(pa.value) + '/' + encodeURIComponent(pb.value)); });
      return sel;
    }
    var pa = picker('cmp-a', a, 'Transaction A'), pb = picker('cmp-b', b, 'Transaction B');
    root.appendChild(h('div', { class: 'cmp-pick' }, h('label', null, 'A ', pa), h('label', null, 'B ', pb)));
    var ta = TX_BY_ID[a], tb = TX_BY_ID[b];
    var ka = keyed(ta), kb = keyed(tb);
    var rows = [], added = [], removed = [];
    Object.keys(ka).forEach(function (k) {
      var la = ka[k], lb = kb[k] || [];
      la.forEach(function (sp, i) { if (lb[i]) rows.push([k, sp, lb[i]]); else removed.push([k, sp]); });
    });
    Object.keys(kb).forEach(function (k) { var la = ka[k] || []; kb[k].forEach(function (sp, i) { if (!la[i]) added.push([k, sp]); }); });
    rows.sort(function (x, y) { return Math.abs(y[2].duration - y[1].duration) - Math.abs(x[2].duration - x[1].duration); });
    root.appendChild(h('p', { class: 'meta', text: 'Calls are matched by service, name and parent path (not by span ids). Total: ' + ms(ta.duration) + ' \u2192 ' + ms(tb.duration) + ' (' + delta(tb.duration - ta.duration) + ').' }));
    root.appendChild(h('table', { id: 'cmp-table' }, h('thead', null, h('tr', null, ['call', 'A', 'B', '\u0394'].map(function (c, i) { return h('th', { scope: 'col', class: i ? 'num' : null, text: c }); }))),
      h('tbody', null, rows.map(function (r) {
        var d = r[2].duration - r[1].duration;
        return h('tr', null, h('td', { text: r[0].split('\u0000').join(' \u203a ') }), h('td', { class: 'num', text: ms(r[1].duration) }), h('td', { class: 'num', text: ms(r[2].duration) }),
          h('td', { class: 'num ' + (d > 0 ? 'delta-up' : d < 0 ? 'delta-down' : ''), text: delta(d) }));
      }))));
    root.appendChild(h('h3', { text: 'Only in B (added): ' + added.length }));
    root.appendChild(h('ul', { id: 'cmp-added' }, added.map(function (x) { return h('li', { text: x[0].split('\u0000').join(' \u203a ') + ' · ' + ms(x[1].duration) }); })));
    root.appendChild(h('h3', { text: 'Only in A (removed): ' + removed.length }));
    root.appendChild(h('ul', { id: 'cmp-removed' }, removed.map(function (x) { return h('li', { text: x[0].split('\u0000').join(' \u203a ') + ' · ' + ms(x[1].duration) }); })));
  }
  function keyed(t) {
    var byId = {}, out = {};
    t.spans.forEach(function (sp) { byId[sp.id] = sp; });
    t.spans.forEach(function (sp) {
      var path = [], p = sp.parentId ? byId[sp.parentId] : null;
      while (p) { path.unshift(p.name); p = p.parentId ? byId[p.parentId] : null; }
      var k = path.concat([sp.service + ': ' + sp.name]).join('\u0000');
      (out[k] = out[k] || []).push(sp);
    });
    return out;
  }
  function delta(d) { return (d > 0 ? '+' : d < 0 ? '\u2212' : '\u00b1') + ms(Math.abs(d)); }

  var RENDER = { overview: renderOverview, map: renderMap, transactions: renderTransactions };
  route(true);
})();
