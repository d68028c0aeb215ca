// stance report: renders the JSON embedded in #stance-data. All data reaches the page through
// textContent, text nodes and setAttribute on non-URL attributes, never through HTML parsing,
// so that article text (which may contain markup) is always shown as text.
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('stance-data').textContent);
  var labels = data.labels;
  var TABLE_PAGE = 25;
  var LIST_PAGE = 25;
  var SVG = 'http://www.w3.org/2000/svg';

  // Stance colours: the usual labels get fixed ones, others a palette.
  var KNOWN = { FAVOR: ['#1a9850', '#d9f0d3'], AGAINST: ['#d73027', '#fbd5d0'], NONE: ['#7f8c8d', '#e8ebed'] };
  var PALETTE = [['#2f5d8a', '#d6e4f2'], ['#8e44ad', '#ead9f2'], ['#b9770e', '#f7e6c8'], ['#16a085', '#cdeee7']];
  var colours = labels.map(function (label, i) {
    return KNOWN[label] || PALETTE[i % PALETTE.length];
  });

  function $(id) { return document.getElementById(id); }

  // An element with a class and text; children are appended as nodes (strings become text).
  function el(tag, cls, children) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children === undefined || children === null) return node;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' || typeof child === 'number'
        ? document.createTextNode(String(child)) : child);
    });
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  function colour(node, label) {
    node.style.setProperty('--c', colours[label][0]);
    node.style.setProperty('--bg', colours[label][1]);
    return node;
  }

  function fmt(p) { return p === null || p === undefined ? '–' : p.toFixed(2); }

  function probabilities(p) {
    return labels.map(function (l, i) { return l + ' ' + fmt(p[i]); }).join(' · ');
  }

  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  // ---- header ---------------------------------------------------------------------------------

  function renderHeader() {
    var s = data.summary;
    document.title = data.title;
    $('title').textContent = data.title;
    $('summary').textContent = plural(s.articles, 'article', 'articles') + ', ' +
      plural(s.stances, 'actor stance', 'actor stances') + ', ' +
      plural(data.actors.length, 'actor', 'actors') + ', ' +
      plural(data.topics.length, 'topic', 'topics') +
      (s.dated ? ', ' + s.dated + ' dated' : '') + '.';
    var sources = 'Predictions: ' + s.predictions_file + '. ';
    if (s.articles_file) {
      sources += 'Article text: ' + s.articles_file + ' (' + s.with_text + ' of ' + s.articles +
        ' articles).';
    } else {
      sources += 'No article file given (--articles): articles show their evidence sentences only.';
    }
    $('sources').textContent = sources;
    var notes = [];
    if (s.errors) {
      notes.push(plural(s.errors, 'error record', 'error records') +
        ' (invalid input lines) skipped and not shown' +
        (s.first_error ? '; the first: ' + s.first_error : '') + '.');
    }
    if (s.missing_text) {
      notes.push(plural(s.missing_text, 'article is', 'articles are') +
        ' not in the article file (evidence sentences only).');
    }
    if (s.text_mismatch) {
      notes.push(plural(s.text_mismatch, 'article text does', 'article texts do') +
        ' not match the predicted evidence sentences (evidence sentences only).');
    }
    $('notes').textContent = notes.join(' ');
    $('notes').hidden = notes.length === 0;
    var legend = $('legend');
    labels.forEach(function (label, i) {
      legend.appendChild(el('span', null, [colour(el('span', 'swatch'), i), label]));
    });
    legend.appendChild(el('span', 'muted',
      'Hover a highlighted sentence or mention for the probabilities.'));
  }

  // ---- actor × topic table --------------------------------------------------------------------

  var table = { sort: 'articles', descending: true, page: 0, rows: [] };

  function columns() {
    var cols = [
      { key: 'actor', title: 'Actor', value: function (r) { return data.actors[r.actor]; } },
      { key: 'topic', title: 'Topic', value: function (r) { return data.topics[r.topic]; } },
      { key: 'articles', title: 'Articles', num: true, value: function (r) { return r.articles; } }
    ];
    labels.forEach(function (label, i) {
      cols.push({ key: 'l' + i, title: label, num: true, label: i,
        value: function (r) { return r.counts[i]; } });
    });
    cols.push({ key: 'stance', title: 'Majority', value: function (r) { return labels[r.stance]; } });
    cols.push({ key: 'confidence', title: 'Mean confidence', num: true,
      value: function (r) { return r.confidence; } });
    return cols;
  }

  function renderTableHead() {
    var head = $('table-head');
    head.replaceChildren();
    columns().forEach(function (col) {
      var th = el('th', col.num ? 'num' : null);
      th.setAttribute('scope', 'col');
      if (table.sort === col.key) {
        th.setAttribute('aria-sort', table.descending ? 'descending' : 'ascending');
      }
      var button = el('button', null, col.title);
      button.type = 'button';
      button.title = 'Sort by ' + col.title;
      button.addEventListener('click', function () {
        if (table.sort === col.key) {
          table.descending = !table.descending;
        } else {
          table.sort = col.key;
          table.descending = !!col.num;
        }
        table.page = 0;
        renderTable();
      });
      th.appendChild(button);
      head.appendChild(th);
    });
  }

  function filteredRows() {
    var text = $('table-filter').value.trim().toLowerCase();
    var stance = $('table-stance').value;
    var min = parseInt($('table-min').value, 10) || 1;
    var col = columns().filter(function (c) { return c.key === table.sort; })[0];
    var rows = data.table.filter(function (r) {
      if (r.articles < min) return false;
      if (stance !== '' && String(r.stance) !== stance) return false;
      if (!text) return true;
      return data.actors[r.actor].toLowerCase().indexOf(text) >= 0 ||
        data.topics[r.topic].toLowerCase().indexOf(text) >= 0;
    });
    var sign = table.descending ? -1 : 1;
    rows.sort(function (a, b) {
      var x = col.value(a);
      var y = col.value(b);
      var c = typeof x === 'string' ? x.localeCompare(y) : x - y;
      return c === 0 ? b.articles - a.articles : sign * c;
    });
    return rows;
  }

  function renderTable() {
    renderTableHead();
    var rows = filteredRows();
    var pages = Math.max(1, Math.ceil(rows.length / TABLE_PAGE));
    table.page = Math.min(table.page, pages - 1);
    var body = $('table-body');
    body.replaceChildren();
    var cols = columns();
    rows.slice(table.page * TABLE_PAGE, (table.page + 1) * TABLE_PAGE).forEach(function (r) {
      var tr = el('tr');
      tr.tabIndex = 0;
      tr.title = 'Show the articles of ' + data.actors[r.actor] + ' on this topic';
      cols.forEach(function (col) {
        var td = el('td', col.num ? 'num' : null);
        if (col.label !== undefined) {
          var width = r.articles ? Math.round(40 * r.counts[col.label] / r.articles) : 0;
          var bar = colour(el('span', 'bar'), col.label);
          bar.style.width = width + 'px';
          td.appendChild(el('span', 'count', [String(r.counts[col.label]), bar]));
        } else if (col.key === 'stance') {
          td.appendChild(colour(el('span', 'badge', labels[r.stance]), r.stance));
        } else if (col.key === 'confidence') {
          td.textContent = fmt(r.confidence);
        } else {
          td.textContent = String(col.value(r));
        }
        tr.appendChild(td);
      });
      var open = function () { scopeArticles({ actor: r.actor, topic: r.topic }); };
      tr.addEventListener('click', open);
      tr.addEventListener('keydown', function (e) { if (e.key === 'Enter') open(); });
      body.appendChild(tr);
    });
    if (rows.length === 0) {
      var td = el('td', 'empty', 'No actor matches.');
      td.colSpan = cols.length;
      body.appendChild(el('tr', null, td));
    }
    $('table-count').textContent = plural(rows.length, 'row', 'rows') + ' of ' + data.table.length;
    pager($('table-pager'), table.page, pages, function (p) { table.page = p; renderTable(); });
  }

  function pager(node, page, pages, go) {
    node.replaceChildren();
    if (pages <= 1) return;
    var prev = el('button', null, '‹ previous');
    prev.type = 'button';
    prev.disabled = page === 0;
    prev.addEventListener('click', function () { go(page - 1); });
    var next = el('button', null, 'next ›');
    next.type = 'button';
    next.disabled = page >= pages - 1;
    next.addEventListener('click', function () { go(page + 1); });
    append(node, [prev, el('span', null, 'page ' + (page + 1) + ' of ' + pages), next]);
  }

  // ---- stance over time -----------------------------------------------------------------------

  function day(date) {
    var p = date.split('-');
    return Date.UTC(+p[0], +p[1] - 1, +p[2]) / 86400000;
  }

  function dateLabel(days) {
    return new Date(days * 86400000).toISOString().slice(0, 10);
  }

  function renderTimelines() {
    if (!data.timelines.length) return;
    $('timelines-section').hidden = false;
    $('timelines-note').textContent = 'Each dot is one article: its date, and the stance the ' +
      'model gave (one row per label; fainter = less confident). Click a dot to read the article.';
    var all = [];
    data.timelines.forEach(function (t) { t.points.forEach(function (p) { all.push(day(p.date)); }); });
    var lo = Math.min.apply(null, all);
    var hi = Math.max.apply(null, all);
    if (hi === lo) { lo -= 1; hi += 1; }
    // The actor's name on a line of its own above its lanes (names can be long).
    var W = 900, left = 80, right = 20, lane = 14, top = 22;
    var H = top + lane * labels.length + 22;
    var x = function (d) { return left + (W - left - right) * (d - lo) / (hi - lo); };
    var box = $('timelines');
    data.timelines.forEach(function (t) {
      var chart = svg('svg', { 'class': 'timeline', viewBox: '0 0 ' + W + ' ' + H, width: '100%',
        role: 'img' });
      chart.style.maxWidth = W + 'px';
      var name = svg('text', { x: 0, y: 14, 'class': 'name' });
      name.textContent = data.actors[t.actor];
      var count = svg('tspan', { 'class': 'count', dx: 8 });
      count.textContent = plural(t.points.length, 'article', 'articles');
      name.appendChild(count);
      chart.appendChild(name);
      var title = svg('title');
      title.textContent = data.actors[t.actor] + ': stance over time';
      chart.appendChild(title);
      labels.forEach(function (label, i) {
        var y = top + lane * i + lane / 2;
        chart.appendChild(svg('line', { x1: left, x2: W - right, y1: y, y2: y, 'class': 'axis' }));
        var text = svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' });
        text.textContent = label;
        chart.appendChild(text);
      });
      // Up to five ticks on whole days, none repeated (short ranges have fewer).
      var base = top + lane * labels.length + 14;
      var ticks = [];
      for (var k = 0; k <= 4; k++) {
        var d = Math.round(lo + (hi - lo) * k / 4);
        if (ticks.indexOf(d) < 0 && d >= lo && d <= hi) ticks.push(d);
      }
      ticks.forEach(function (d, k) {
        var anchor = ticks.length > 1 && k === 0 ? 'start'
          : ticks.length > 1 && k === ticks.length - 1 ? 'end' : 'middle';
        var tick = svg('text', { x: x(d), y: base, 'text-anchor': anchor });
        tick.textContent = dateLabel(d);
        chart.appendChild(tick);
      });
      t.points.forEach(function (p) {
        var article = data.articles[p.article];
        var dot = svg('circle', { cx: x(day(p.date)).toFixed(1), cy: top + lane * p.label + lane / 2, r: 4.5,
          fill: colours[p.label][0], 'fill-opacity': (0.25 + 0.75 * p.p).toFixed(2) });
        var tip = svg('title');
        tip.textContent = p.date + ' · ' + article.id + '\n' + data.topics[article.topic] + '\n' +
          labels[p.label] + ' (p = ' + fmt(p.p) + ')';
        dot.appendChild(tip);
        dot.addEventListener('click', function () { showArticle(p.article, true); });
        chart.appendChild(dot);
      });
      box.appendChild(chart);
    });
  }

  // ---- article list ---------------------------------------------------------------------------

  var list = { page: 0, scope: null, current: -1 };

  function scopeArticles(scope) {
    list.scope = scope;
    list.page = 0;
    $('article-filter').value = '';
    renderList();
    var first = filteredArticles()[0];
    if (first !== undefined) showArticle(first, false);
    $('articles-section').scrollIntoView();
  }

  function filteredArticles() {
    var text = $('article-filter').value.trim().toLowerCase();
    var out = [];
    data.articles.forEach(function (a, i) {
      if (list.scope) {
        if (a.topic !== list.scope.topic) return;
        if (!a.actors.some(function (x) { return x.actor === list.scope.actor; })) return;
      }
      if (text && a.id.toLowerCase().indexOf(text) < 0 &&
          data.topics[a.topic].toLowerCase().indexOf(text) < 0 &&
          !a.actors.some(function (x) { return x.name.toLowerCase().indexOf(text) >= 0; })) {
        return;
      }
      out.push(i);
    });
    return out;
  }

  function renderList() {
    var items = filteredArticles();
    var pages = Math.max(1, Math.ceil(items.length / LIST_PAGE));
    list.page = Math.min(list.page, pages - 1);
    var node = $('article-list');
    node.replaceChildren();
    items.slice(list.page * LIST_PAGE, (list.page + 1) * LIST_PAGE).forEach(function (i) {
      var a = data.articles[i];
      var li = el('li', i === list.current ? 'current' : null, [
        el('div', 'id', a.id),
        el('div', 'topic', (a.date ? a.date + ' · ' : '') + data.topics[a.topic])
      ]);
      li.tabIndex = 0;
      li.dataset.index = String(i);
      var dots = el('div', 'dots');
      a.actors.forEach(function (x) {
        var dot = colour(el('span', 'dot', x.name), x.stance);
        dot.title = x.name + ': ' + labels[x.stance] + ' (' + probabilities(x.p) + ')';
        dots.appendChild(dot);
      });
      li.appendChild(dots);
      li.addEventListener('click', function () { showArticle(i, false); });
      li.addEventListener('keydown', function (e) { if (e.key === 'Enter') showArticle(i, false); });
      node.appendChild(li);
    });
    if (items.length === 0) node.appendChild(el('li', 'empty', 'No article matches.'));
    var scope = $('article-scope');
    if (list.scope) {
      scope.textContent = 'Only articles where ' + data.actors[list.scope.actor] +
        ' has a stance on “' + data.topics[list.scope.topic] + '”.';
    } else {
      scope.textContent = '';
    }
    $('clear-scope').hidden = !list.scope;
    $('article-count').textContent = plural(items.length, 'article', 'articles');
    pager($('article-pager'), list.page, pages, function (p) { list.page = p; renderList(); });
  }

  // ---- article view ---------------------------------------------------------------------------

  var view = { focus: -1 };

  function showArticle(index, scroll) {
    list.current = index;
    view.focus = -1;
    Array.prototype.forEach.call($('article-list').children, function (li) {
      li.classList.toggle('current', li.dataset.index === String(index));
    });
    renderArticle();
    if (scroll) $('article-view').scrollIntoView();
  }

  function actorTip(x) {
    return x.name + ': ' + labels[x.stance] + ' (' + probabilities(x.p) + ')' +
      (x.mentioned ? '' : ' — not mentioned in the article') +
      (x.aliases.length ? '\nalso: ' + x.aliases.join(', ') : '');
  }

  function renderArticle() {
    var a = data.articles[list.current];
    var node = $('article-view');
    node.replaceChildren();
    if (!a) {
      node.appendChild(el('p', 'empty', 'Choose an article on the left.'));
      return;
    }
    node.appendChild(el('h3', null, a.id));
    node.appendChild(el('div', 'meta', (a.date ? a.date + ' · ' : '') + 'topic: ' + data.topics[a.topic]));
    var chips = el('div', 'chips');
    a.actors.forEach(function (x, i) {
      var chip = colour(el('button', 'chip', [x.name, el('span', 'p', labels[x.stance] + ' ' +
        fmt(x.p[x.stance]))]), x.stance);
      chip.type = 'button';
      chip.title = actorTip(x) + '\nClick to show only this actor.';
      chip.setAttribute('aria-pressed', String(view.focus === i));
      chip.addEventListener('click', function () {
        view.focus = view.focus === i ? -1 : i;
        renderArticle();
      });
      chips.appendChild(chip);
    });
    if (!a.actors.length) chips.appendChild(el('span', 'empty', 'No actors were found in this article.'));
    node.appendChild(chips);
    if (!a.full_text) {
      node.appendChild(el('p', 'note', data.summary.articles_file
        ? 'Showing the evidence sentences only: the article file lacks this article, or its text differs from the one predicted on.'
        : 'Showing the evidence sentences only (give --articles for the whole text).'));
    }
    node.appendChild(renderText(a));
  }

  function renderText(a) {
    // Which actors cite each sentence as evidence (all, or the focused one).
    var citing = {};
    a.actors.forEach(function (x, i) {
      if (view.focus >= 0 && view.focus !== i) return;
      x.evidence.forEach(function (s) { (citing[s] = citing[s] || []).push(i); });
    });
    var text = el('div', 'text');
    var sentence = null;
    var current = -2;
    a.parts.forEach(function (part) {
      var s = part[1];
      if (s < 0) {
        sentence = null;
        current = -2;
        text.appendChild(document.createTextNode(part[0]));
        return;
      }
      if (s !== current) {
        current = s;
        sentence = el('span', 'sentence');
        var who = citing[s] || [];
        if (who.length) {
          var stances = who.map(function (i) { return a.actors[i].stance; });
          var same = stances.every(function (l) { return l === stances[0]; });
          sentence.classList.add('evidence');
          if (same) colour(sentence, stances[0]); else sentence.classList.add('mixed');
          sentence.title = 'Sentence ' + s + ', evidence for:\n' + who.map(function (i) {
            var x = a.actors[i];
            return x.name + ': ' + labels[x.stance] + ' (' + probabilities(x.p) + ')';
          }).join('\n');
        }
        text.appendChild(sentence);
      }
      if (part[2] >= 0) {
        var x = a.actors[part[2]];
        var mention = colour(el('span', 'mention', part[0]), x.stance);
        if (view.focus >= 0 && view.focus !== part[2]) mention.classList.add('dim');
        mention.title = actorTip(x);
        sentence.appendChild(mention);
      } else {
        sentence.appendChild(document.createTextNode(part[0]));
      }
    });
    if (!a.parts.length) text.appendChild(el('span', 'empty', 'No evidence sentences.'));
    return text;
  }

  // ---- wiring ---------------------------------------------------------------------------------

  // `report.html#article=ID` opens that article (links into the report, and the browser check).
  function showFromHash() {
    var match = /^#article=(.*)$/.exec(window.location.hash);
    if (!match) return false;
    var id;
    try {
      id = decodeURIComponent(match[1]);
    } catch (e) {
      return false;
    }
    var index = -1;
    data.articles.some(function (a, i) { if (a.id === id) { index = i; } return index >= 0; });
    if (index < 0) return false;
    list.scope = null;
    list.page = Math.floor(filteredArticles().indexOf(index) / LIST_PAGE);
    renderList();
    showArticle(index, true);
    return true;
  }

  function init() {
    renderHeader();
    var select = $('table-stance');
    labels.forEach(function (label, i) {
      var option = el('option', null, label);
      option.value = String(i);
      select.appendChild(option);
    });
    ['input', 'change'].forEach(function (ev) {
      $('table-filter').addEventListener(ev, function () { table.page = 0; renderTable(); });
      $('table-stance').addEventListener(ev, function () { table.page = 0; renderTable(); });
      $('table-min').addEventListener(ev, function () { table.page = 0; renderTable(); });
      $('article-filter').addEventListener(ev, function () { list.page = 0; renderList(); });
    });
    $('clear-scope').addEventListener('click', function () {
      list.scope = null;
      list.page = 0;
      renderList();
    });
    renderTable();
    renderTimelines();
    renderList();
    if (!showFromHash() && data.articles.length) showArticle(0, false);
    window.addEventListener('hashchange', showFromHash);
    document.body.dataset.ready = 'true';
  }

  init();
})();
