// Conduit console: plain JS, no build. Data from the REST API; live updates from /api/events (SSE).
'use strict';

const HISTORY = 60;           // points per sparkline (one per services event, every 2 s)
const state = {
  token: sessionStorage.getItem('conduit.token') || '',
  history: new Map(),         // "node/service" -> {rate: [], p99: []}
  rows: new Map(),            // "node/service" -> <tr>
  logsService: null,
  live: false,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function headers(json) {
  const h = {};
  if (state.token) h['Authorization'] = 'Bearer ' + state.token;
  if (json) h['Content-Type'] = 'application/json';
  return h;
}

class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function api(path, body) {
  const res = await fetch('api/' + path, body === undefined
    ? { headers: headers(false) }
    : { method: 'POST', headers: headers(true), body: JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!res.ok) {
    if (res.status === 403 && data && /token/.test(data.message || '')) askForToken();
    throw new ApiError(res.status, data && data.code || 'HTTP_' + res.status, data && data.message || res.statusText);
  }
  return data;
}

function askForToken() {
  $('token-form').hidden = false;
}

$('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  state.token = $('token-input').value.trim();
  sessionStorage.setItem('conduit.token', state.token);
  $('token-form').hidden = true;
  refreshAll();
});

function toast(text, bad) {
  const t = $('toast');
  t.textContent = text;
  t.className = 'toast' + (bad ? ' bad' : '');
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}

function activity(text) {
  const list = $('activity');
  list.prepend(el('li', {}, el('span', { class: 'at' }, new Date().toLocaleTimeString()), text));
  while (list.children.length > 12) list.lastChild.remove();
}

// ---- formatting -------------------------------------------------------------------------------
function bytes(n) {
  if (n == null || n < 0) return '–';
  const u = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return n.toFixed(i ? 1 : 0) + ' ' + u[i];
}
function duration(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
}
function ms(v) { return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2); }
function rate(v) { return v >= 1000 ? (v / 1000).toFixed(1) + 'k/s' : v.toFixed(v >= 10 ? 0 : 1) + '/s'; }
function shortNode(id) { return id.length > 12 ? id.slice(0, 8) + '…' : id; }

// ---- sparkline (inline SVG) ------------------------------------------------------------------
function sparkline(values, color, width = 96, height = 24) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const max = Math.max(...values, 1e-9);
  const step = width / (HISTORY - 1);
  const offset = (HISTORY - values.length) * step;
  const pts = values.map((v, i) => `${(offset + i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`);
  if (pts.length > 1) {
    const area = document.createElementNS(svg.namespaceURI, 'polygon');
    area.setAttribute('points', `${offset.toFixed(1)},${height} ${pts.join(' ')} ${width},${height}`);
    area.setAttribute('fill', color);
    area.setAttribute('opacity', '0.12');
    svg.append(area);
    const line = document.createElementNS(svg.namespaceURI, 'polyline');
    line.setAttribute('points', pts.join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', color);
    line.setAttribute('stroke-width', '1.5');
    svg.append(line);
  }
  return svg;
}

// ---- nodes --------------------------------------------------------------------------------------
async function loadNodes() {
  try {
    const data = await api('nodes');
    const cards = $('nodes');
    cards.replaceChildren();
    for (const n of data.nodes) {
      if (n.error) {
        cards.append(el('div', { class: 'card' }, el('div', { class: 'title' }, shortNode(n.node)),
          el('div', { class: 'muted' }, n.error.code + ': ' + n.error.message)));
        continue;
      }
      const heapShare = n.heap.maxBytes > 0 ? n.heap.usedBytes / n.heap.maxBytes : 0;
      const busy = n.eventLoops.busy || 0;
      cards.append(el('div', { class: 'card', dataset: { node: n.node } },
        el('div', { class: 'title' }, n.node === data.self ? 'This node' : 'Node'),
        el('div', { class: 'id', title: n.node }, n.node),
        el('div', { class: 'kv' },
          el('span', {}, 'version'), el('span', {}, n.version + ' · Java ' + n.java.split('+')[0]),
          el('span', {}, 'uptime'), el('span', {}, duration(n.uptimeMs)),
          el('span', {}, 'heap'), el('span', {}, bytes(n.heap.usedBytes) + ' of ' + bytes(n.heap.maxBytes)),
          el('span', {}, 'event loops'), el('span', {}, `${n.eventLoops.loops} · ${(busy * 100).toFixed(1)} % busy · worst delay ${ms(n.eventLoops.maxDelayMs)} ms`)),
        el('div', { class: 'meter', title: 'heap used' }, el('div', { style: `width:${(heapShare * 100).toFixed(1)}%` }))));
    }
    $('summary').textContent = `${data.nodes.length} node${data.nodes.length === 1 ? '' : 's'} · ${data.clustered ? 'clustered' : 'standalone'}`;
  } catch (e) {
    $('summary').textContent = 'nodes unavailable: ' + e.message;
  }
}

// ---- services -----------------------------------------------------------------------------------
function renderServices(data) {
  const tbody = $('services').tBodies[0];
  const seen = new Set();
  for (const node of data.nodes) {
    if (node.error) continue;
    for (const s of node.services) {
      const key = node.node + '/' + s.name;
      seen.add(key);
      let row = state.rows.get(key);
      if (!row) {
        row = serviceRow(node.node, s);
        state.rows.set(key, row);
        tbody.append(row);
      }
      updateRow(row, key, s, true);
      row.lastService = s;
    }
  }
  for (const [key, row] of state.rows) {
    if (!seen.has(key)) { row.remove(); state.rows.delete(key); }
  }
  $('services-empty').hidden = state.rows.size > 0;
}

function serviceRow(node, s) {
  const input = el('input', { type: 'number', min: '1', value: s.instances.now || s.instances.min, class: 'scale-input',
    'aria-label': 'instances of ' + s.name });
  const scale = el('button', { class: 'primary scale-button', onclick: () => act(row, 'scale', { instances: Number(input.value) }) }, 'Scale');
  const toggle = el('button', { class: 'toggle-button', onclick: () => {
    if (row.dataset.state !== 'running') {
      act(row, 'start', {});
    } else if (confirm(`Stop ${s.name} on ${shortNode(node)}? Its instances are undeployed until you start it again.`
        + (s.verticle.endsWith('.WebVerticle') ? ' This is the console itself: it goes offline.' : ''))) {
      act(row, 'stop', {});
    }
  } }, 'Stop');
  const logs = el('button', { class: 'logs-button', onclick: () => showLogs(s.name) }, 'Logs');
  // a stateful service (a store) has one owner in the cluster and standbys, not a count to scale
  const roles = el('span', { class: 'roles' });
  if (s.stateful) {
    input.hidden = true;
    scale.hidden = true;
  }
  const row = el('tr', { dataset: { service: s.name, node } },
    el('td', {}, el('div', { class: 'name' }, s.name), el('div', { class: 'sub' }, s.verticle.split('.').pop())),
    el('td', { title: node }, el('code', {}, shortNode(node))),
    el('td', {}, el('code', {}, s.address || '–')),
    el('td', {}, s.threading),
    el('td', { class: 'state' }),
    el('td', { class: 'num instances' }),
    el('td', { class: 'throughput' }),
    el('td', { class: 'num latency' }),
    el('td', { class: 'num errors' }),
    el('td', {}, el('div', { class: 'actions' }, roles, input, scale, toggle, logs)));
  row.input = input;
  row.roles = roles;
  row.toggle = toggle;
  return row;
}

// Replaces a cell's content only when what it shows changed, so the page does not churn every update.
function setCell(cell, key, build) {
  if (cell.dataset.key === String(key)) return;
  cell.dataset.key = String(key);
  cell.replaceChildren(...build());
}

function updateRow(row, key, s, sample) {
  const m = s.meters || { perSecond: 0, p50Ms: 0, p99Ms: 0, errors: 0, errorsByCode: {} };
  let h = state.history.get(key);
  if (!h) { h = { rate: [], p99: [] }; state.history.set(key, h); }
  if (sample) {
    h.rate.push(m.perSecond); h.p99.push(m.p99Ms);
    if (h.rate.length > HISTORY) { h.rate.shift(); h.p99.shift(); }
  }
  row.dataset.state = s.state;
  if (s.stateful) {
    const roles = s.roles || [];
    setCell(row.roles, JSON.stringify(roles), () => roles.length === 0 ? [el('span', { class: 'sub' }, 'no instance')]
      : roles.map(r => r.role === 'OWNER'
        ? el('span', { class: 'pill running role', title: 'serves its address for the whole cluster' }, 'owner · epoch ' + r.epoch)
        : el('span', { class: 'pill stopped role', title: r.reason || '' }, r.role.toLowerCase())));
  }
  setCell(row.querySelector('.state'), s.state, () => [el('span', { class: 'pill ' + s.state }, s.state)]);
  const range = s.instances.min === s.instances.max ? '' : ` (${s.instances.min}–${s.instances.max})`;
  setCell(row.querySelector('.instances'), s.instances.now + range, () => [
    el('span', { class: 'instances-now' }, s.instances.now), el('span', { class: 'sub' }, range)]);
  row.querySelector('.throughput').replaceChildren(s.address || m.requests
    ? el('div', { class: 'spark', title: 'requests per second, last 2 minutes' },
      sparkline(h.rate, '#2f6fed'), el('span', { class: 'rate' }, rate(m.perSecond)))
    : el('span', { class: 'sub', title: 'no event-bus address of its own' }, '–'));
  row.querySelector('.latency').replaceChildren(...(m.requests
    ? [el('span', { title: 'p99 history' }, sparkline(h.p99, '#d97706', 48, 18)), ` ${ms(m.p50Ms)} / ${ms(m.p99Ms)} ms`]
    : ['–']));
  const codes = Object.entries(m.errorsByCode || {}).map(([c, n]) => c + ' ' + n).join(', ');
  setCell(row.querySelector('.errors'), m.errors + codes, () => [
    el('span', { class: m.errors ? 'errors-some' : '', title: codes }, m.errors)]);
  row.toggle.textContent = s.state === 'running' ? 'Stop' : 'Start';
  row.toggle.className = (s.state === 'running' ? 'danger' : '') + ' toggle-button';
}

async function act(row, op, body) {
  const name = row.dataset.service;
  const buttons = row.querySelectorAll('button');
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const result = await api(`services/${encodeURIComponent(name)}/${op}`, Object.assign({ node: row.dataset.node }, body));
    const mine = result.results.find((r) => r.node === row.dataset.node) || result.results[0];
    if (mine.error) throw new ApiError(0, mine.error.code, mine.error.message);
    const info = mine.service;
    const key = row.dataset.node + '/' + name;
    const previous = row.lastService || {};
    updateRow(row, key, Object.assign({}, previous, info, { meters: previous.meters }), false);
    row.input.value = info.instances.now || row.input.value;
    toast(`${name}: ${op === 'scale' ? 'now ' + info.instances.now + ' instances' : info.state}`);
  } catch (e) {
    toast(`${name} ${op} failed: ${e.code ? e.code + ' — ' : ''}${e.message}`, true);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

async function loadServices() {
  try {
    onServices(await api('services'));
  } catch (e) {
    $('services-empty').hidden = false;
    $('services-empty').textContent = 'Services unavailable: ' + e.message;
  }
}

function onServices(data) {
  renderServices(data);
}

// ---- logs ---------------------------------------------------------------------------------------
function showLogs(name) {
  state.logsService = name;
  $('logs-service').textContent = '— ' + name;
  loadLogs();
}

async function loadLogs() {
  const name = state.logsService;
  if (!name) return;
  const box = $('logs');
  const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
  try {
    const data = await api(`services/${encodeURIComponent(name)}/logs?tail=200`);
    box.replaceChildren(...data.records.map((r) => el('div', { class: r.level },
      el('span', { class: 'at' }, r.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z') + ' '),
      `${r.level.padEnd(7)} ${r.logger ? r.logger.split('.').pop() + ': ' : ''}${r.message}${r.thrown ? ' (' + r.thrown + ')' : ''}`)));
    if (data.records.length === 0) box.textContent = 'No log records from ' + name + ' yet.';
    if (atBottom) box.scrollTop = box.scrollHeight;
  } catch (e) {
    box.textContent = 'Logs unavailable: ' + e.message;
  }
}

// ---- capability panels (GET /api/views: each capability registers its own) ---------------------
const views = {};

async function loadViews() {
  let list;
  try {
    list = (await api('views')).views;
  } catch (e) {
    setTimeout(loadViews, 3000);
    return;
  }
  $('views').replaceChildren(...list.map((v) => {
    const box = el('div', { id: 'view-' + v.id, class: 'view view-' + v.renderer, dataset: { view: v.id } },
      el('p', { class: 'muted' }, 'loading…'));
    views[v.id] = { view: v, box };
    return el('div', {}, el('h2', {}, v.title), box);
  }));
  for (const id of Object.keys(views)) {
    loadView(id);
    setInterval(() => loadView(id), views[id].view.refreshMs);
  }
}

async function loadView(id) {
  const { view, box } = views[id] || {};
  if (!view) return;
  try {
    const data = await api(view.path);
    (renderers[view.renderer] || renderJson)(box, data);
  } catch (e) {
    box.replaceChildren(el('p', { class: 'muted' }, e.status === 404 || e.code === 'NO_HANDLERS'
      ? view.title + ': not deployed.' : view.title + ' unavailable: ' + e.message));
  }
}

const renderers = { tasks: renderTasks, bridge: renderBridge, json: renderJson };

function renderTasks(box, data) {
  if (!data.tasks || data.tasks.length === 0) {
    box.replaceChildren(el('p', { class: 'muted' }, 'No tasks.'));
    return;
  }
  box.replaceChildren(...data.tasks.slice(0, 20).map((t) => {
    const p = t.progress || {};
    const share = p.total > 0 ? Math.min(1, p.current / p.total) : (t.state === 'SUCCESS' ? 1 : 0);
    return el('div', { class: 'task', dataset: { task: t.id } },
      el('div', { class: 'head' }, el('span', {}, t.task + ' ', el('code', { class: 'muted' }, String(t.id).slice(0, 8))),
        el('span', { class: 'muted' }, t.state)),
      el('div', { class: 'progress' }, el('div', { style: `width:${(share * 100).toFixed(1)}%` })),
      el('div', { class: 'msg' }, p.message || (p.total ? `${p.current} / ${p.total}` : '')));
  }));
}

function renderBridge(box, data) {
  const bridges = data.nodes.flatMap((n) => (n.bridges || []).map((b) => Object.assign({ node: n.node }, b)));
  if (bridges.length === 0) {
    box.replaceChildren(el('p', { class: 'muted' }, 'No bridge deployed.'));
    return;
  }
  box.replaceChildren(...bridges.map((b) => {
    const errors = Object.entries(b.errors).map(([c, n]) => `${c} ${n}`).join(', ') || 'none';
    return el('div', { class: 'kv' },
      el('span', {}, 'node'), el('span', {}, shortNode(b.node) + (b.alive ? '' : ' · bridge DOWN')),
      el('span', {}, 'clients'), el('span', {}, `${b.clientsConnected} connected`),
      el('span', {}, 'requests'), el('span', {}, `${b.received} received · ${b.replied} replied`),
      el('span', {}, 'in flight'), el('span', {}, `${b.inFlight} from ${b.clientsWithRequestsInFlight} clients`),
      el('span', {}, 'errors'), el('span', {}, errors));
  }));
}

// Any JSON answer: scalars as name/value pairs, lists of objects as tables, nested objects indented.
function renderJson(box, data) {
  box.replaceChildren(jsonNode(data, 0));
}

function jsonNode(value, depth) {
  if (Array.isArray(value)) {
    if (value.length === 0) return el('span', { class: 'muted' }, 'none');
    if (value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const columns = [...new Set(value.flatMap((v) => Object.keys(v)))].slice(0, 8);
      return el('table', { class: 'json' },
        el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', {}, c)))),
        el('tbody', {}, ...value.slice(0, 50).map((row) =>
          el('tr', {}, ...columns.map((c) => el('td', {}, scalar(row[c])))))));
    }
    return el('span', {}, value.map(scalar).join(', '));
  }
  if (value && typeof value === 'object') {
    if (depth > 3) return el('code', {}, JSON.stringify(value));
    return el('div', { class: 'kv' }, ...Object.entries(value).flatMap(([k, v]) =>
      [el('span', {}, k), v && typeof v === 'object' ? jsonNode(v, depth + 1) : el('span', {}, scalar(v))]));
  }
  return el('span', {}, scalar(value));
}

function scalar(v) {
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

// ---- live stream (SSE read through fetch, so the token travels in a header) ---------------------
function setLive(on) {
  state.live = on;
  $('live').classList.toggle('on', on);
  $('live-text').textContent = on ? 'live' : 'reconnecting';
}

function onEvent(name, data) {
  if (name === 'services') onServices(data);
  else if (name === 'scale') activity(`${data.service}: ${data.from} → ${data.to} instances (${data.reason})`);
  else if (name === 'task') loadView('tasks');
}

async function stream() {
  try {
    const res = await fetch('api/events', { headers: headers(false) });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    setLive(true);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        let data = '';
        for (const line of frame.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (data) onEvent(event, JSON.parse(data));
      }
    }
  } catch (e) {
    // fall through to reconnect
  }
  setLive(false);
  setTimeout(stream, 2000);
}

function refreshAll() {
  loadNodes(); loadServices(); loadLogs();
  Object.keys(views).forEach(loadView);
}

refreshAll();
loadViews();
stream();
setInterval(loadNodes, 5000);
setInterval(loadLogs, 2000);
