// The advisers' console. Everything from the server is put on the page as text
// (textContent, never innerHTML), so nothing a young person, a note or a canned reply
// contains can run.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let me = null, csrf = "", current = "", stream = null, lastQueue = [], lastReviews = [];
  const seen = new Set();

  function status(msg) { $("status").textContent = msg; }

  async function api(method, path, body) {
    const headers = { "Content-Type": "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = csrf;
    const resp = await fetch(path, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
    let data = {};
    try { data = await resp.json(); } catch (e) { /* empty */ }
    if (resp.status === 401) { showLogin(data.error || "Please log in."); throw new Error(data.error || "unauthorised"); }
    if (!resp.ok) { const err = new Error(data.error || resp.statusText); err.status = resp.status; err.data = data; throw err; }
    return data;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function showLogin(msg) {
    if (stream) { stream.close(); stream = null; }
    me = null; csrf = "";
    $("app").hidden = true; $("who").hidden = true; $("login").hidden = false;
    status(msg || "");
    $("login-name").focus();
  }

  async function start(who) {
    me = who; csrf = who.csrf || "";
    $("login").hidden = true; $("app").hidden = false; $("who").hidden = false;
    $("me").textContent = `${who.display} (${who.role})`;
    $("canned-admin").hidden = who.role !== "admin";
    const out = $("resolve-outcome");
    out.replaceChildren();
    for (const o of who.outcomes) { const opt = el("option", "", o.replaceAll("_", " ")); opt.value = o; out.append(opt); }
    await Promise.all([loadCanned(), loadAdvisers(), loadReviews()]);
    connect();
  }

  function connect() {
    if (stream) stream.close();
    stream = new EventSource("/v1/adviser/stream");
    stream.addEventListener("queue", (ev) => renderQueue(JSON.parse(ev.data)));
    stream.addEventListener("event", (ev) => {
      const e = JSON.parse(ev.data);
      if (e.conversation === current) addEvent(e);
      if (e.kind === "action" && (e.intent === "review_flagged" || e.intent === "reviewed")) loadReviews();
    });
    stream.onerror = () => status("Reconnecting to live updates...");
    stream.onopen = () => status("Live.");
  }

  function minutes(ns) { const m = Math.floor(ns / 6e10); return m < 1 ? "under a minute" : `${m} min`; }

  function renderQueue(q) {
    lastQueue = q.queue;
    const ul = $("queue");
    ul.replaceChildren();
    for (const e of q.queue) {
      const li = el("li");
      const b = el("button");
      b.type = "button";
      b.dataset.key = e.key;
      if (e.key === current) b.setAttribute("aria-current", "true");
      if (e.priority) b.append(el("span", "priority", "Safeguarding"), " ");
      let label = e.key;
      if (e.state === "queued") label += ` - #${e.position}, waiting ${minutes(e.wait_ns)}`;
      else if (e.state === "with_adviser") label += ` - with ${e.adviser}`;
      else if (e.messages) label += ` - ${e.messages} message(s) left`;
      if (e.for) label += ` (for ${e.for})`;
      b.append(el("span", "", label));
      b.addEventListener("click", () => open(e.key));
      li.append(b);
      ul.append(li);
    }
    $("queue-empty").hidden = q.queue.length > 0;
    const cur = q.queue.find((e) => e.key === current);
    if (cur) setState(cur.state, cur.adviser);
  }

  // The "To review" list: conversations whose safeguarding check-ins wait for review.
  async function loadReviews() {
    try {
      const r = await api("GET", "/v1/adviser/reviews");
      lastReviews = r.reviews;
      const ul = $("reviews");
      ul.replaceChildren();
      for (const v of r.reviews) {
        const b = el("button");
        b.type = "button";
        b.dataset.key = v.key;
        b.append(el("span", "review-cat", v.category.replaceAll("_", " ")), " ", el("span", "", v.key + (v.flags > 1 ? ` (${v.flags} check-ins)` : "")));
        b.append(el("span", "review-msg", v.message));
        b.addEventListener("click", () => open(v.key));
        const li = el("li");
        li.append(b);
        ul.append(li);
      }
      $("reviews-empty").hidden = r.reviews.length > 0;
      $("review").hidden = !r.reviews.some((v) => v.key === current);
    } catch (err) { status(err.message); }
  }

  function setState(state, adviser) {
    $("conv-state").textContent = state.replaceAll("_", " ");
    $("conv-adviser").textContent = adviser ? `(${adviser})` : "";
    const mine = state === "with_adviser" && me && adviser === me.name;
    $("claim").disabled = state === "with_adviser";
    for (const id of ["release", "transfer", "resolve", "reply-send"]) $(id).disabled = !mine;
  }

  function eventLine(e) {
    const li = el("li", e.kind);
    if (e.safeguarding && e.kind === "user") li.classList.add("flag");
    const who = { user: "Young person", bot: "careersbot", adviser: `Adviser ${e.adviser || ""}`, system: "careersbot", note: `Note by ${e.adviser || ""}`, action: "" }[e.kind] || e.kind;
    if (who) li.append(el("span", "who", who + ":"));
    li.append(el("span", "text", e.text));
    if (e.sources && e.sources.length) li.append(el("span", "src", ` [sources: ${e.sources.join(", ")}]`));
    li.dataset.seq = e.seq;
    return li;
  }

  function addEvent(e) {
    const id = `${e.conversation}#${e.seq}`;
    if (seen.has(id)) return;
    seen.add(id);
    const ol = $("transcript");
    ol.append(eventLine(e));
    ol.scrollTop = ol.scrollHeight;
  }

  function renderProfile(p) {
    const box = $("profile");
    box.replaceChildren(el("h3", "", "Profile"));
    const dl = el("dl");
    const row = (k, v) => { if (v === undefined || v === "" || (Array.isArray(v) && !v.length)) return; dl.append(el("dt", "", k), el("dd", "", Array.isArray(v) ? v.join(", ") : String(v))); };
    row("Channel", p.channel); row("Age", p.age || ""); row("Age group", p.age_group); row("Region", p.region);
    row("Place", p.place); row("Interests", p.interests); row("Subjects", p.subjects); row("Jobs asked about", p.jobs);
    row("Asked about", p.intents); row("Handed off because", p.trigger);
    box.append(dl);
    if (p.safeguarding.length) {
      box.append(el("h4", "", "Safeguarding flags"));
      const ul = el("ul");
      for (const f of p.safeguarding) ul.append(el("li", "flag", f.text));
      box.append(ul);
    }
    if (p.bot_said.length) {
      box.append(el("h4", "", "What careersbot said, with sources"));
      const ul = el("ul");
      for (const b of p.bot_said) { const li = el("li", "", b.text); li.append(el("span", "src", ` [${b.sources.join(", ")}]`)); ul.append(li); }
      box.append(ul);
    }
  }

  async function open(key) {
    current = key;
    seen.clear();
    try {
      const c = await api("GET", `/v1/adviser/conversations/${encodeURIComponent(key)}`);
      $("conversation").hidden = false;
      $("conv-key").textContent = key;
      setState(c.state, c.adviser);
      renderProfile(c.profile);
      $("transcript").replaceChildren();
      for (const e of c.events) addEvent(e);
      for (const b of $("queue").querySelectorAll("button")) b.setAttribute("aria-current", String(b.dataset.key === key));
      $("review").hidden = !lastReviews.some((v) => v.key === key);
      status("");
    } catch (err) { status(err.message); }
  }

  async function act(action, body) {
    if (!current) return;
    try {
      const r = await api("POST", `/v1/adviser/conversations/${encodeURIComponent(current)}/${action}`, body || {});
      for (const e of r.events) addEvent(e);
      const q = lastQueue.find((e) => e.key === current);
      setState(r.state, r.state === "with_adviser" ? (q && q.state === "with_adviser" ? q.adviser : me.name) : "");
      status(`${action}: done.`);
      return true;
    } catch (err) {
      status(err.status === 409 && err.data.claimed_by ? `Already claimed by ${err.data.claimed_by}.` : err.message);
      return false;
    }
  }

  async function loadCanned() {
    const list = await api("GET", "/v1/adviser/canned");
    const sel = $("canned");
    sel.replaceChildren(Object.assign(el("option", "", "(none)"), { value: "" }));
    for (const c of list) { const o = el("option", "", c.title); o.value = c.text; sel.append(o); }
  }

  async function loadAdvisers() {
    const list = await api("GET", "/v1/adviser/advisers");
    const sel = $("transfer-to");
    sel.replaceChildren(Object.assign(el("option", "", "anyone"), { value: "" }));
    for (const a of list) if (!me || a.name !== me.name) { const o = el("option", "", `${a.display} (${a.presence})`); o.value = a.name; sel.append(o); }
  }

  $("login").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const who = await api("POST", "/v1/adviser/login", { name: $("login-name").value, password: $("login-password").value });
      $("login-password").value = "";
      await start(who);
    } catch (err) { status(err.message); }
  });
  $("logout").addEventListener("click", async () => { try { await api("POST", "/v1/adviser/logout"); } catch (e) { /* gone */ } showLogin("Logged out."); });
  $("presence").addEventListener("change", () => api("POST", "/v1/adviser/presence", { status: $("presence").value }).catch((e) => status(e.message)));
  $("claim").addEventListener("click", () => act("claim"));
  $("release").addEventListener("click", () => act("release"));
  $("transfer").addEventListener("click", () => act("transfer", { to: $("transfer-to").value }));
  $("resolve").addEventListener("click", () => act("resolve", { outcome: $("resolve-outcome").value }));
  $("review").addEventListener("click", async () => {
    if (await act("review", { text: $("note-text").value.trim() })) { $("note-text").value = ""; loadReviews(); }
  });
  $("canned").addEventListener("change", () => { if ($("canned").value) { $("reply-text").value = $("canned").value; $("reply-text").focus(); } });
  $("reply-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = $("reply-text").value.trim();
    if (text && await act("reply", { text })) $("reply-text").value = "";
  });
  $("reply-text").addEventListener("keydown", (ev) => { if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) $("reply-form").requestSubmit(); });
  $("note-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = $("note-text").value.trim();
    if (text && await act("note", { text })) $("note-text").value = "";
  });
  $("canned-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("POST", "/v1/adviser/canned", { title: $("canned-title").value, text: $("canned-text").value });
      $("canned-title").value = ""; $("canned-text").value = "";
      await loadCanned();
      status("Canned reply saved.");
    } catch (err) { status(err.message); }
  });

  api("GET", "/v1/adviser/me").then(start).catch(() => showLogin(""));
})();
