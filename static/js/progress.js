// Live job state without reloading. One timer for the whole page asks for every pending job's state in
// one request, backs off while nothing changes, and stops when nothing is pending. Only what changed is
// touched: a finished job's tile is replaced by its new HTML from the same answer; on a result page (no
// tile) the content is fetched once, when its job finishes. On a batch page the answer also carries the
// batch's numbers (the overall bar), and a tile's Cancel or Try again is sent from here: its answer has the
// same shape, goes through the same code, and (re)starts the same timer.
const ACTIVE = new Set(["queued", "running"]);
const LABELS = { new: "New", queued: "Queued", running: "Running", done: "Done", failed: "Failed", cancelled: "Cancelled" };
const FIRST_MS = 1200;
const MAX_MS = 4000; // the last answer "done" comes at most this long after the job finished
const GROWTH = 1.5;

let timer = null;
let delay = FIRST_MS;

function describe(data) {
  if (data.status === "queued") {
    return `Waiting for a worker${data.queue_position ? ` — position ${data.queue_position} in the queue` : ""}`;
  }
  return data.status === "running" ? `Enhancing — ${data.progress}%` : "";
}

function render(el, data) {
  el.dataset.state = data.status;
  el.className = `status status-${data.status}`;
  const badge = el.querySelector("[data-status-badge]");
  badge.textContent = LABELS[data.status] || data.status;
  badge.className = `badge badge-${data.status}`;
  el.querySelector("[data-status-text]").textContent = describe(data);
  const bar = el.querySelector("[data-status-progress]");
  if (bar) bar.value = data.progress;
}

function pending() {
  return [...document.querySelectorAll("[data-status]")].filter((el) => ACTIVE.has(el.dataset.state));
}

async function swapMain() {
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  document.querySelector("main").replaceChildren(...doc.querySelector("main").childNodes);
  document.dispatchEvent(new CustomEvent("srsite:swap"));
}

function renderBatch(batch) {
  const box = document.querySelector("[data-batch-progress]");
  if (!box || !batch) return;
  box.querySelector("[data-batch-text]").textContent = batch.text;
  box.querySelector("[data-batch-time]").textContent = batch.time_left || "";
  box.querySelector("[data-batch-bar]").value = batch.percent;
  box.querySelector("[data-batch-download]").hidden = batch.done === 0;
}

function say(text) {
  const message = document.querySelector("[data-batch-message]");
  if (message) message.textContent = text;
}

function statusesUrl(els) {
  const box = document.querySelector("[data-batch-progress]");
  return new URL((box || els[0]).dataset.statusesUrl, window.location.href);
}

async function finish(el, data) {
  const tile = el.closest(".tile");
  if (tile && data.tile) {
    tile.innerHTML = data.tile;
  } else {
    render(el, data);
    await swapMain();
  }
}

async function poll() {
  timer = null;
  const els = pending();
  if (!els.length) return;
  const byId = new Map(els.map((el) => [el.dataset.statusId, el]));
  const url = statusesUrl(els);
  url.searchParams.set("ids", [...byId.keys()].join(","));
  let changed = false;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(response.statusText);
    const answer = await response.json();
    renderBatch(answer.batch);
    for (const data of answer.items) {
      const el = byId.get(String(data.id));
      if (!el || !el.isConnected) continue; // its tile was swapped meanwhile (a cancel or retry)
      const text = el.querySelector("[data-status-text]").textContent;
      // The estimate changes with every answer: shown, but not a change that keeps the polling fast.
      const time = el.querySelector("[data-status-time]");
      if (time) time.textContent = data.time_left || "";
      if (data.status === el.dataset.state && describe(data) === text) continue;
      changed = true;
      if (ACTIVE.has(data.status)) render(el, data);
      else await finish(el, data);
    }
  } catch {
    // A hiccup (network, restart): ask again later.
  }
  if (changed) say(""); // the last action's message is out of date
  delay = changed ? FIRST_MS : Math.min(delay * GROWTH, MAX_MS);
  schedule();
}

function schedule() {
  if (timer === null && pending().length) timer = setTimeout(poll, delay);
}

function restart() {
  // Something changed here: the next poll comes soon, from the one timer.
  clearTimeout(timer);
  timer = null;
  delay = FIRST_MS;
  schedule();
}

async function tileAction(event) {
  const form = event.target.closest("form[data-tile-action]");
  const tile = form && form.closest(".tile");
  if (!tile) return;
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  let answer;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
    });
    answer = await response.json();
  } catch {
    form.submit(); // no answer to show: the plain form does it, and the page reloads
    return;
  }
  const data = (answer.items || [])[0];
  if (data && data.tile) tile.innerHTML = data.tile;
  else button.disabled = false;
  renderBatch(answer.batch);
  say(answer.message || "");
  restart();
}

document.addEventListener("submit", tileAction);
document.addEventListener("srsite:swap", schedule);
schedule();
