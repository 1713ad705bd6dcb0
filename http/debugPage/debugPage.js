// The /debug page: pick a machine and an actor, see the chart with the actor's current states
// highlighted, its context and its recent events, kept live over Server-Sent Events.
// Plain browser JavaScript, no build step: the server lays the chart out and sends it as SVG.

const EVENT_LIMIT = 50;
const ACTIVE_CLASS = 'active';

const page = {
  machineSelect: document.getElementById('machine-select'),
  search: document.getElementById('actor-search'),
  actorList: document.getElementById('actor-list'),
  actorListNote: document.getElementById('actor-list-note'),
  chart: document.getElementById('chart'),
  chartTitle: document.getElementById('chart-title'),
  stateValue: document.getElementById('state-value'),
  actorTitle: document.getElementById('actor-title'),
  actorStatus: document.getElementById('actor-status'),
  context: document.getElementById('context'),
  events: document.getElementById('events'),
  eventCount: document.getElementById('event-count'),
  connection: document.getElementById('connection'),
  error: document.getElementById('error'),
  zoom: document.getElementById('zoom'),
};

/** What is on screen: the machine kind, the selected actor, its event source and its events. */
const view = { kind: '', actorId: '', source: null, events: [], activeStateIds: [], refreshTimer: 0 };

async function getJson(url) {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error?.message ?? `${response.status} ${response.statusText}`);
  return body;
}

function showError(error) {
  page.error.hidden = !error;
  page.error.textContent = error ? String(error.message ?? error) : '';
}

function setConnection(state, text) {
  page.connection.dataset.state = state;
  page.connection.textContent = text;
}

function highlight(activeStateIds) {
  view.activeStateIds = activeStateIds;
  const active = new Set(activeStateIds);
  for (const group of page.chart.querySelectorAll('[data-state-id]')) {
    group.classList.toggle(ACTIVE_CLASS, active.has(group.getAttribute('data-state-id')));
  }
  document.body.dataset.activeStates = activeStateIds.join(' ');
}

function formatValue(value) {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function formatTime(iso) {
  const date = new Date(iso);
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

async function showMachine(kind) {
  view.kind = kind;
  page.chartTitle.textContent = kind;
  page.chart.replaceChildren(
    Object.assign(document.createElement('p'), { className: 'note', textContent: 'Laying out…' }),
  );
  const response = await fetch(`/debug/machines/${encodeURIComponent(kind)}/chart.svg`);
  if (!response.ok) throw new Error(`chart for ${kind}: ${response.status}`);
  page.chart.innerHTML = await response.text();
  // Shrink a wide chart to fit only while its labels stay readable (at least 80 % of full size).
  const svg = page.chart.querySelector('svg');
  const scale = svg ? page.chart.clientWidth / Number(svg.getAttribute('width')) : 1;
  setFit(scale < 1 && scale >= 0.8);
  highlight(view.activeStateIds);
}

function setFit(fit) {
  page.chart.classList.toggle('fit', fit);
  page.zoom.setAttribute('aria-pressed', String(fit));
}

async function searchActors() {
  const query = new URLSearchParams({ kind: view.kind, limit: '50' });
  if (page.search.value.trim()) query.set('search', page.search.value.trim());
  const { actors } = await getJson(`/debug/actors?${query}`);
  page.actorList.replaceChildren(
    ...actors.map((actor) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.actorId = actor.id;
      button.setAttribute('aria-current', String(actor.id === view.actorId));
      const id = Object.assign(document.createElement('span'), { className: 'id', textContent: actor.id });
      const badge = Object.assign(document.createElement('span'), {
        className: `badge ${actor.live ? 'live' : ''}`,
        textContent: actor.live ? 'live' : 'persisted',
      });
      button.append(id, badge);
      button.addEventListener('click', () => selectActor(actor.id).catch(showError));
      const item = document.createElement('li');
      item.append(button);
      return item;
    }),
  );
  page.actorListNote.textContent = actors.length === 0 ? 'No actors match.' : '';
}

function renderActor(actor) {
  page.actorTitle.textContent = `${actor.kind} / ${actor.id}`;
  page.actorStatus.hidden = false;
  page.actorStatus.textContent = actor.status;
  page.actorStatus.className = `badge ${actor.status}`;
  page.context.textContent = JSON.stringify(actor.context, null, 2);
  page.stateValue.textContent = formatValue(actor.value);
  highlight(actor.activeStateIds);
}

function renderEvents(freshSeq) {
  page.events.replaceChildren(
    ...[...view.events].reverse().map((record) => {
      const item = document.createElement('li');
      if (record.seq === freshSeq) item.className = 'fresh';
      const time = Object.assign(document.createElement('time'), {
        dateTime: record.at,
        title: record.at,
        textContent: formatTime(record.at),
      });
      const kind = Object.assign(document.createElement('span'), {
        className: `kind ${record.type}`,
        textContent: record.type,
      });
      const what = Object.assign(document.createElement('span'), {
        className: 'what',
        textContent:
          record.type === 'event' ? JSON.stringify(record.event) : `→ ${formatValue(record.value)}`,
      });
      item.dataset.seq = String(record.seq);
      item.append(time, kind, what);
      return item;
    }),
  );
  page.eventCount.textContent = view.events.length ? `last ${view.events.length}` : 'none yet';
}

async function refreshActor() {
  const { actor } = await getJson(
    `/debug/actors/${encodeURIComponent(view.kind)}/${encodeURIComponent(view.actorId)}?limit=1`,
  );
  if (actor.kind === view.kind && actor.id === view.actorId) renderActor(actor);
}

function onRecord(record) {
  if (record.kind !== view.kind || record.id !== view.actorId) return;
  view.events.push(record);
  if (view.events.length > EVENT_LIMIT) view.events.splice(0, view.events.length - EVENT_LIMIT);
  renderEvents(record.seq);
  if (record.activeStateIds) {
    highlight(record.activeStateIds);
    page.stateValue.textContent = formatValue(record.value);
  }
  // A snapshot record carries the state value but not the context: fetch it, once per burst.
  if (record.type === 'snapshot') {
    clearTimeout(view.refreshTimer);
    view.refreshTimer = setTimeout(() => refreshActor().catch(showError), 100);
  }
}

function listen(afterSeq) {
  view.source?.close();
  const query = afterSeq === undefined ? '' : `?after=${afterSeq}`;
  const url = `/debug/actors/${encodeURIComponent(view.kind)}/${encodeURIComponent(view.actorId)}/events${query}`;
  const source = new EventSource(url);
  view.source = source;
  setConnection('connecting', 'connecting…');
  source.addEventListener('open', () => setConnection('live', 'live'));
  source.addEventListener('error', () => {
    if (view.source === source) setConnection('retrying', 'reconnecting…');
  });
  source.addEventListener('inspection', (message) => onRecord(JSON.parse(message.data)));
}

async function selectActor(actorId) {
  showError(null);
  view.actorId = actorId;
  history.replaceState(null, '', `#${encodeURIComponent(view.kind)}/${encodeURIComponent(actorId)}`);
  for (const button of page.actorList.querySelectorAll('button')) {
    button.setAttribute('aria-current', String(button.dataset.actorId === actorId));
  }
  const { actor, events } = await getJson(
    `/debug/actors/${encodeURIComponent(view.kind)}/${encodeURIComponent(actorId)}?limit=${EVENT_LIMIT}`,
  );
  view.events = events;
  renderActor(actor);
  renderEvents();
  const lastSeq = events.length ? events[events.length - 1].seq : undefined;
  listen(lastSeq);
}

function clearActor() {
  view.source?.close();
  view.source = null;
  view.actorId = '';
  view.events = [];
  page.actorTitle.textContent = 'none selected';
  page.actorStatus.hidden = true;
  page.context.textContent = 'Pick an actor on the left to see its context.';
  page.stateValue.textContent = '';
  renderEvents();
  highlight([]);
  setConnection('idle', 'not connected');
}

async function start() {
  const { machines } = await getJson('/debug/machines');
  page.machineSelect.replaceChildren(
    ...machines.map((machine) =>
      Object.assign(document.createElement('option'), { value: machine.name, textContent: machine.name }),
    ),
  );
  const [hashKind, hashId] = location.hash.slice(1).split('/').map(decodeURIComponent);
  const initialKind = machines.some((machine) => machine.name === hashKind) ? hashKind : machines[0]?.name;
  if (!initialKind) {
    page.chart.textContent = 'No machines are registered.';
    return;
  }
  page.machineSelect.value = initialKind;
  await showMachine(initialKind);
  await searchActors();
  if (hashId) await selectActor(hashId);

  page.machineSelect.addEventListener('change', () => {
    clearActor();
    showMachine(page.machineSelect.value).then(searchActors).catch(showError);
  });
  page.zoom.addEventListener('click', () => setFit(!page.chart.classList.contains('fit')));
  let searchTimer = 0;
  page.search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => searchActors().catch(showError), 150);
  });
  document.body.dataset.ready = 'true';
}

start().catch(showError);
