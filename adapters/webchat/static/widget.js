/* careersbot web chat widget. Add to a page with one tag:
 *   <script src="https://HOST/chat/widget.js" data-title="Ask about careers"
 *           data-primary-colour="#1d4f91" data-age-prompt="true" async></script>
 * Plain JavaScript, no dependencies. Message data is only ever put in the page with
 * textContent and createElementNS, never as HTML. The protocol is in docs/webchat.md.
 */
(function () {
  'use strict';

  var script = document.currentScript ||
    document.querySelector('script[src*="/chat/widget.js"]');
  if (!script || window.__careersbotWidget) { return; }
  window.__careersbotWidget = true;

  var SVGNS = 'http://www.w3.org/2000/svg';
  var base = new URL(script.src, location.href);
  var wsURL = new URL('/chat/ws', base);
  wsURL.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  var cssURL = new URL('/chat/widget.css', base).href;

  function attr(name, def) {
    var v = script.getAttribute('data-' + name);
    return v === null || v === '' ? def : v;
  }
  var cfg = {
    title: attr('title', 'Careers chat'),
    colour: /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(attr('primary-colour', '')) ? attr('primary-colour', '') : '#1d4f91',
    agePrompt: attr('age-prompt', 'false') === 'true',
    ageQuestion: attr('age-question', 'How old are you?')
  };
  var AGES = [['11 to 13', 12], ['14 to 16', 15], ['17 to 19', 18], ['20 or over', 21]];

  // ---- storage (may be blocked: fall back to memory) ----
  var mem = {};
  function load(k) { try { return localStorage.getItem('careersbot.' + k); } catch (e) { return mem[k] || null; } }
  function save(k, v) { try { localStorage.setItem('careersbot.' + k, v); } catch (e) { mem[k] = v; } }
  function randomID(bytes) {
    var a = new Uint8Array(bytes);
    crypto.getRandomValues(a);
    var s = '';
    for (var i = 0; i < a.length; i++) { s += String.fromCharCode(a[i]); }
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  var conversation = load('conversation');
  if (!conversation || !/^[A-Za-z0-9_-]{8,64}$/.test(conversation)) {
    conversation = randomID(16);
    save('conversation', conversation);
  }
  var age = parseInt(load('age') || '0', 10) || 0;

  // ---- DOM helpers ----
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, String(attrs[k])); } }
    if (text !== undefined) { e.textContent = String(text); }
    return e;
  }

  // Text colour with AA contrast on the primary colour.
  function luminance(hex) {
    if (hex.length === 4) { hex = '#' + hex[1] + hex[1] + hex[2] + hex[2] + hex[3] + hex[3]; }
    var c = [1, 3, 5].map(function (i) {
      var v = parseInt(hex.substr(i, 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  var L = luminance(cfg.colour);
  var onPrimary = (1.05 / (L + 0.05)) >= ((L + 0.05) / 0.05) ? '#ffffff' : '#111111';
  // If white on the colour is below 4.5:1 and so is black, fall back to the default colour.
  if (Math.max(1.05 / (L + 0.05), (L + 0.05) / 0.05) < 4.5) { cfg.colour = '#1d4f91'; onPrimary = '#ffffff'; }

  // ---- build the widget ----
  // A custom element name: the page's rules for div, section, p... do not match the host.
  var host = document.createElement('careersbot-chat');
  host.setAttribute('data-careersbot', '');
  var root = host.attachShadow({ mode: 'open' });
  host.style.setProperty('--cb-primary', cfg.colour);
  host.style.setProperty('--cb-on-primary', onPrimary);

  var link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = cssURL;
  root.appendChild(link);

  var launcher = el('button', 'launcher');
  launcher.type = 'button';
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', 'cb-panel');
  var icon = svg('svg', { viewBox: '0 0 24 24', width: 22, height: 22, 'aria-hidden': 'true', focusable: 'false', 'class': 'launcher-icon' });
  icon.appendChild(svg('path', { d: 'M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z', fill: 'currentColor' }));
  launcher.appendChild(icon);
  launcher.appendChild(el('span', 'launcher-label', cfg.title));

  var panel = el('section', 'panel');
  panel.id = 'cb-panel';
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-labelledby', 'cb-title');

  var head = el('header', 'head');
  var h2 = el('h2', 'title', cfg.title);
  h2.id = 'cb-title';
  var closeBtn = el('button', 'close');
  closeBtn.type = 'button';
  closeBtn.setAttribute('aria-label', 'Close chat');
  closeBtn.appendChild(el('span', '', '\u00d7')).setAttribute('aria-hidden', 'true');
  head.appendChild(h2);
  head.appendChild(closeBtn);

  var status = el('p', 'status');
  status.setAttribute('role', 'status');

  var log = el('ol', 'log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  log.setAttribute('aria-relevant', 'additions');
  log.setAttribute('aria-label', 'Conversation');
  log.tabIndex = 0;

  var typing = el('p', 'typing', 'The careers bot is typing');
  typing.hidden = true;
  typing.appendChild(el('span', 'dots', '...')).setAttribute('aria-hidden', 'true');

  var quick = el('div', 'quick');
  quick.setAttribute('role', 'group');
  quick.setAttribute('aria-label', 'Suggested replies');

  var form = el('form', 'compose');
  var label = el('label', 'sr-only', 'Your message');
  label.htmlFor = 'cb-input';
  var input = el('textarea', 'input');
  input.id = 'cb-input';
  input.rows = 1;
  input.maxLength = 1000;
  input.setAttribute('autocomplete', 'off');
  input.placeholder = 'Ask about a job or career';
  var sendBtn = el('button', 'send', 'Send');
  sendBtn.type = 'submit';
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(sendBtn);

  var attrib = el('p', 'attrib',
    'Figures from ONS and other public sources, under the Open Government Licence v3.0. Type \u201cadviser\u201d to talk to a person.');

  panel.appendChild(head);
  panel.appendChild(status);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(quick);
  panel.appendChild(form);
  panel.appendChild(attrib);
  // Every inherited style is set again on this wrapper, so nothing leaks in from the page.
  var wrap = el('div', 'cb');
  wrap.appendChild(launcher);
  wrap.appendChild(panel);
  root.appendChild(wrap);

  // ---- conversation state ----
  var lastSeq = 0;          // highest transcript seq shown
  var seen = {};            // seq -> true, to drop duplicates
  var unacked = [];         // frames sent but not acknowledged, in order (kept in sessionStorage)
  var restored = null;      // unacknowledged frames from the previous page, until the first ready
  try { restored = JSON.parse(sessionStorage.getItem('careersbot.unacked') || 'null'); } catch (e) { restored = null; }
  if (!Array.isArray(restored) || !restored.length) { restored = null; }
  function keepUnacked() {
    try { sessionStorage.setItem('careersbot.unacked', JSON.stringify(unacked)); } catch (e) { /* ignore */ }
  }
  var pendingEls = {};      // message id -> li of a message not yet in the transcript
  var echoed = {};          // ids of messages shown from another tab
  var maxBytes = 8192;      // the server's frame limit, from its ready frame
  var ws = null, ready = false, attempts = 0, retryTimer = 0, pingTimer = 0, lastHeard = 0;
  var typingTimer = 0, started = false;

  function setStatus(t) { status.textContent = t; status.hidden = !t; }
  setStatus('');

  function senderName(s) {
    switch (s) {
      case 'user': return 'You';
      case 'adviser': return 'Careers adviser';
      case 'system': return 'Notice';
      default: return 'Careers bot';
    }
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function addBubble(sender, text) {
    var li = el('li', 'msg ' + (['user', 'adviser', 'system'].indexOf(sender) >= 0 ? sender : 'bot'));
    if (sender === 'adviser') {
      li.appendChild(el('span', 'who', senderName(sender)));  // visible: a person is writing now
    } else {
      li.appendChild(el('span', 'sr-only', senderName(sender) + ': '));
    }
    li.appendChild(el('p', 'text', text));
    log.appendChild(li);
    scrollDown();
    return li;
  }

  function fmt(v) { return Number(v).toLocaleString('en-GB', { maximumFractionDigits: 1 }); }
  function fmtShort(v) { return Number(v).toLocaleString('en-GB', { notation: 'compact', maximumFractionDigits: 1 }); }

  function renderCards(li, cards) {
    var wrap = el('div', 'cards' + (cards.length > 1 ? ' compare' : ''));
    wrap.setAttribute('role', 'list');
    cards.forEach(function (c) {
      var card = el('article', 'card');
      card.setAttribute('role', 'listitem');
      card.appendChild(el('h3', 'card-title', c.title));
      if (c.subtitle) { card.appendChild(el('p', 'card-sub', c.subtitle)); }
      if (c.fields && c.fields.length) {
        var dl = el('dl', 'fields');
        c.fields.forEach(function (f) {
          var row = el('div', 'field');
          row.appendChild(el('dt', '', f.label));
          row.appendChild(el('dd', '', f.value));
          dl.appendChild(row);
        });
        card.appendChild(dl);
      }
      if (c.footer) { card.appendChild(el('p', 'card-foot', c.footer)); }
      wrap.appendChild(card);
    });
    if (cards.length > 1) { wrap.tabIndex = 0; wrap.setAttribute('aria-label', 'Comparison, scroll sideways for more'); }
    li.appendChild(wrap);
  }

  var PALETTE = ['#1d4f91', '#b3541e', '#2e7d32', '#6a1b9a'];

  function renderChart(li, ch) {
    var fig = el('figure', 'chart');
    var W = 320, H = 200, left = 44, right = 8, top = 10, bottom = 46;
    var labels = ch.labels || [], series = (ch.series || []).filter(function (s) { return s && s.values; });
    var maxV = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v > maxV) { maxV = v; } }); });
    if (maxV <= 0) { maxV = 1; }
    // A round top for the scale.
    var mag = Math.pow(10, Math.floor(Math.log10(maxV)));
    var top1 = Math.ceil(maxV / mag) * mag;
    var pw = W - left - right, ph = H - top - bottom;
    var s = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': ch.alt_text || ch.title || 'Chart', focusable: 'false' });
    s.appendChild(svg('title', {}, ch.alt_text || ch.title || 'Chart'));
    // axis and grid
    for (var g = 0; g <= 4; g++) {
      var gy = top + ph - ph * g / 4;
      s.appendChild(svg('line', { x1: left, x2: W - right, y1: gy, y2: gy, 'class': 'grid' }));
      s.appendChild(svg('text', { x: left - 4, y: gy + 4, 'text-anchor': 'end', 'class': 'tick' }, fmtShort(top1 * g / 4)));
    }
    var n = Math.max(labels.length, 1);
    var slot = pw / n;
    if (ch.kind === 'line') {
      series.forEach(function (se, si) {
        var pts = se.values.map(function (v, i) {
          return (left + slot * (i + 0.5)).toFixed(1) + ',' + (top + ph - ph * v / top1).toFixed(1);
        });
        s.appendChild(svg('polyline', { points: pts.join(' '), fill: 'none', stroke: PALETTE[si % PALETTE.length], 'stroke-width': 2.5 }));
        se.values.forEach(function (v, i) {
          s.appendChild(svg('circle', { cx: left + slot * (i + 0.5), cy: top + ph - ph * v / top1, r: 3, fill: PALETTE[si % PALETTE.length] }));
        });
      });
    } else {
      var k = Math.max(series.length, 1);
      var bw = Math.max(Math.min(slot * 0.8 / k, 48), 2);
      series.forEach(function (se, si) {
        se.values.forEach(function (v, i) {
          var h = ph * Math.max(v, 0) / top1;
          var x = left + slot * i + (slot - bw * k) / 2 + bw * si;
          s.appendChild(svg('rect', { x: x.toFixed(1), y: (top + ph - h).toFixed(1), width: bw.toFixed(1), height: h.toFixed(1), fill: PALETTE[si % PALETTE.length] }));
          if (k === 1) {
            s.appendChild(svg('text', { x: (x + bw / 2).toFixed(1), y: (top + ph - h - 3).toFixed(1), 'text-anchor': 'middle', 'class': 'val' }, fmt(v)));
          }
        });
      });
    }
    var step = Math.ceil(labels.length / 6) || 1;
    labels.forEach(function (lb, i) {
      if (i % step !== 0) { return; }
      var t = String(lb);
      if (t.length > 14) { t = t.slice(0, 13) + '\u2026'; }
      s.appendChild(svg('text', { x: (left + slot * (i + 0.5)).toFixed(1), y: H - bottom + 16, 'text-anchor': 'middle', 'class': 'tick' }, t));
    });
    if (ch.unit) {
      s.appendChild(svg('text', { x: 4, y: H - 6, 'class': 'unit' }, ch.unit));
    }
    if (ch.title) { fig.appendChild(el('p', 'chart-title', ch.title)); }
    fig.appendChild(s);
    if (series.length > 1) {
      var leg = el('ul', 'legend');
      series.forEach(function (se, si) {
        var item = el('li', '');
        var sw = el('span', 'swatch');
        sw.style.background = PALETTE[si % PALETTE.length];
        sw.setAttribute('aria-hidden', 'true');
        item.appendChild(sw);
        item.appendChild(document.createTextNode(se.name || ''));
        leg.appendChild(item);
      });
      fig.appendChild(leg);
    }
    if (ch.source) { fig.appendChild(el('figcaption', 'source', 'Source: ' + ch.source)); }
    li.appendChild(fig);
  }

  function showButtons(buttons) {
    quick.textContent = '';
    (buttons || []).forEach(function (b) {
      var btn = el('button', 'qr', b.label || b.value);
      btn.type = 'button';
      btn.addEventListener('click', function () {
        quick.textContent = '';
        sendMessage(b.label || b.value, b.value);
        input.focus();
      });
      quick.appendChild(btn);
    });
  }

  // A message from the server: live or replayed from the transcript.
  function onMessage(f) {
    if (f.seq) {
      if (seen[f.seq]) { return; }
      seen[f.seq] = true;
      if (f.seq > lastSeq) { lastSeq = f.seq; }
    }
    if (f.sender === 'user' && !f.seq) {
      // Said in another tab of this conversation (a resend carries the same id).
      if (!f.id || echoed[f.id]) { return; }
      echoed[f.id] = true;
      var eli = addBubble('user', f.text || '');
      eli.dataset.text = f.text || '';
      pendingEls['echo-' + f.id] = eli;
      return;
    }
    if (f.sender === 'user') {
      // A message of ours coming back from the transcript: do not show it twice.
      for (var id in pendingEls) {
        if (pendingEls[id].dataset.text === f.text) {
          delete pendingEls[id];
          return;
        }
      }
      addBubble('user', f.text || '');
      return;
    }
    hideTyping();
    var li = addBubble(f.sender || 'bot', f.text || '');
    if (f.cards && f.cards.length) { renderCards(li, f.cards); }
    (f.charts || []).forEach(function (c) { renderChart(li, c); });
    showButtons(f.buttons);
    reveal(li);
  }

  // Scroll so a new answer can be read from its start: to the bottom when it fits,
  // else to its first line.
  function reveal(li) {
    if (li.offsetHeight > log.clientHeight - 16) {
      log.scrollTop = li.offsetTop - 8;
    } else {
      scrollDown();
    }
  }

  function showTyping() {
    typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, 15000);
  }
  function hideTyping() { typing.hidden = true; clearTimeout(typingTimer); }

  function onAck(id) {
    unacked = unacked.filter(function (u) { return u.id !== id; });
    keepUnacked();
    var li = pendingEls[id];
    if (li) { li.classList.remove('pending'); li.removeAttribute('aria-busy'); }
  }

  function onError(f) {
    if (f.id && (f.code === 'unavailable' || f.code === 'slow_down')) {
      // Kept in unacked: send again after a pause, with the same id.
      setTimeout(function () {
        var u = unacked.filter(function (x) { return x.id === f.id; })[0];
        if (u && ready) { wsSend(u); }
      }, 3000);
      return;
    }
    if (f.id) {
      unacked = unacked.filter(function (u) { return u.id !== f.id; });
      keepUnacked();
      var li = pendingEls[f.id];
      if (li) { li.classList.add('failed'); li.classList.remove('pending'); }
    }
    addBubble('system', f.message || 'Something went wrong.');
  }

  function wsSend(frame) {
    if (!ws || ws.readyState !== 1) { return; }
    var data = JSON.stringify(frame);
    if (frame.id && new TextEncoder().encode(data).length > maxBytes) {
      // The server would refuse it without saying which message it was: say so here.
      onError({ id: frame.id, code: 'too_big', message: 'That message is too long to send. Please make it shorter.' });
      return;
    }
    ws.send(data);
  }

  function sendMessage(text, button) {
    text = (text || '').trim();
    if (!text && !button) { return; }
    var id = randomID(12);
    var frame = { type: 'message', id: id, text: text };
    if (button) { frame.button = button; }
    if (age) { frame.age = age; }
    var li = addBubble('user', text);
    li.classList.add('pending');
    li.setAttribute('aria-busy', 'true');
    li.dataset.text = text;
    pendingEls[id] = li;
    unacked.push(frame);
    keepUnacked();
    if (ready) { wsSend(frame); } else { connect(); }
  }

  // Messages typed on the previous page that were never acknowledged: show the ones the
  // replayed transcript does not already hold, and send them all again (same ids, so the
  // service answers each once).
  function restoreUnacked() {
    var shown = Array.prototype.slice.call(log.querySelectorAll('.msg.user .text'));
    restored.forEach(function (frame) {
      if (!frame || typeof frame.id !== 'string' || unacked.some(function (u) { return u.id === frame.id; })) { return; }
      var i = shown.map(function (e) { return e.textContent; }).lastIndexOf(frame.text);
      if (i >= 0) {
        shown.splice(i, 1);
      } else {
        var li = addBubble('user', frame.text || '');
        li.classList.add('pending');
        li.dataset.text = frame.text || '';
        pendingEls[frame.id] = li;
      }
      unacked.push(frame);
    });
    restored = null;
    keepUnacked();
  }

  // ---- connection ----
  function connect() {
    if (ws) { return; }
    clearTimeout(retryTimer);
    ready = false;
    var sock;
    try { sock = new WebSocket(wsURL.href); } catch (e) { scheduleRetry(); return; }
    ws = sock;
    sock.onopen = function () {
      lastHeard = Date.now();
      log.setAttribute('aria-busy', 'true'); // the replay is not read out message by message
      var hello = { type: 'hello', conversation: conversation, after: lastSeq };
      if (age) { hello.age = age; }
      sock.send(JSON.stringify(hello));
    };
    sock.onmessage = function (ev) {
      lastHeard = Date.now();
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      switch (f.type) {
        case 'ready':
          ready = true;
          if (f.max_bytes > 0) { maxBytes = f.max_bytes; }
          log.removeAttribute('aria-busy');
          attempts = 0;
          setStatus('');
          if (restored) { restoreUnacked(); }
          if (!log.querySelector('.msg')) {
            addBubble('system', 'Hi! Ask me about any job: what it involves, what it pays and how to get in. Type \u201cadviser\u201d at any time to talk to a person.');
          }
          unacked.forEach(wsSend);
          break;
        case 'message': onMessage(f); break;
        case 'ack': onAck(f.id); break;
        case 'typing': showTyping(); break;
        case 'error': onError(f); break;
      }
    };
    sock.onclose = function () {
      if (ws !== sock) { return; }
      ws = null;
      ready = false;
      log.removeAttribute('aria-busy');
      hideTyping();
      scheduleRetry();
    };
    sock.onerror = function () { /* onclose follows */ };
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    attempts++;
    var delay = Math.min(15000, 500 * Math.pow(2, attempts - 1)) * (0.75 + Math.random() * 0.5);
    setStatus(attempts > 1 ? 'Reconnecting\u2026 your messages will be sent when the connection is back.' : '');
    retryTimer = setTimeout(connect, delay);
  }

  function startPings() {
    clearInterval(pingTimer);
    pingTimer = setInterval(function () {
      if (!ws) { return; }
      // Background tabs may run this only once a minute: allow for it before calling the line dead.
      if (Date.now() - lastHeard > 100000) { try { ws.close(); } catch (e) { /* ignore */ } return; }
      wsSend({ type: 'ping' });
    }, 25000);
  }

  window.addEventListener('online', function () { if (!ws && started) { attempts = 0; connect(); } });
  // Leaving the page closes the socket at once (and lets the browser keep the page in its
  // back/forward cache); coming back to it reconnects and resumes.
  window.addEventListener('pagehide', function () {
    clearTimeout(retryTimer);
    if (ws) { var w = ws; ws = null; ready = false; try { w.close(1000, 'page hidden'); } catch (e) { /* ignore */ } }
  });
  window.addEventListener('pageshow', function (e) { if (e.persisted && started && !ws) { attempts = 0; connect(); } });

  // ---- age prompt ----
  function askAge() {
    var li = addBubble('system', cfg.ageQuestion);
    li.classList.add('age-prompt');
    var group = el('div', 'age-buttons');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', cfg.ageQuestion);
    AGES.concat([['Rather not say', 0]]).forEach(function (a) {
      var b = el('button', 'qr', a[0]);
      b.type = 'button';
      b.addEventListener('click', function () {
        age = a[1];
        if (age) { save('age', String(age)); } else { save('age', 'skip'); }
        group.remove();
        addBubble('user', a[0]);
        addBubble('system', 'Thanks. Ask me about any job: what it involves, pay, how to get in.');
        input.focus();
      });
      group.appendChild(b);
    });
    li.appendChild(group);
    return group;
  }

  // ---- open and close ----
  function open(noFocus) {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    host.classList.add('open');
    try { sessionStorage.setItem('careersbot.open', '1'); } catch (e) { /* ignore */ }
    var focusTarget = input;
    if (!started) {
      started = true;
      if (cfg.agePrompt && !load('age')) {
        var g = askAge();
        focusTarget = g.querySelector('button');
      }
      connect();
      startPings();
    }
    if (noFocus !== true) { focusTarget.focus(); }
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    host.classList.remove('open');
    try { sessionStorage.removeItem('careersbot.open'); } catch (e) { /* ignore */ }
    launcher.focus();
  }
  launcher.addEventListener('click', function () { if (panel.hidden) { open(); } else { close(); } });
  closeBtn.addEventListener('click', close);
  panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') { e.preventDefault(); close(); } });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var t = input.value;
    if (!t.trim()) { input.focus(); return; }
    input.value = '';
    sendMessage(t);
    input.focus();
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });

  function mount() {
    document.body.appendChild(host);
    var wasOpen = false;
    try { wasOpen = sessionStorage.getItem('careersbot.open') === '1'; } catch (e) { /* ignore */ }
    if (wasOpen || restored) { open(true); } // no focus stealing on page load
  }
  if (document.body) { mount(); } else { document.addEventListener('DOMContentLoaded', mount); }

  // For tests and for pages that want to open the chat from their own link.
  window.careersbot = { open: function () { open(); }, close: close };
})();
