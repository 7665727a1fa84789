// Live job state without reloading: polls each [data-status] element's URL while it is queued or
// running; when a job finishes, the page's main content is fetched again and swapped in place.
const ACTIVE = new Set(["queued", "running"]);
const LABELS = { new: "New", queued: "Queued", running: "Running", done: "Done", failed: "Failed", cancelled: "Cancelled" };
const INTERVAL_MS = 1000;

function render(el, data) {
  el.dataset.state = data.status;
  el.className = `status status-${data.status}`;
  const badge = el.querySelector("[data-status-badge]");
  badge.textContent = LABELS[data.status] || data.status;
  badge.className = `badge badge-${data.status}`;
  const text = el.querySelector("[data-status-text]");
  if (data.status === "queued") {
    text.textContent = `Waiting for a worker${data.queue_position ? ` — position ${data.queue_position} in the queue` : ""}`;
  } else if (data.status === "running") {
    text.textContent = `Enhancing — ${data.progress}%`;
  } else {
    text.textContent = "";
  }
  const bar = el.querySelector("[data-status-progress]");
  if (bar) bar.value = data.progress;
}

async function swapMain() {
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  document.querySelector("main").replaceChildren(...doc.querySelector("main").childNodes);
  document.dispatchEvent(new CustomEvent("srsite:swap"));
}

function watch(el) {
  if (el.dataset.watched || !ACTIVE.has(el.dataset.state)) return;
  el.dataset.watched = "1";
  const timer = setInterval(async () => {
    try {
      const response = await fetch(el.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(response.statusText);
      const data = await response.json();
      render(el, data);
      if (!ACTIVE.has(data.status)) {
        clearInterval(timer);
        await swapMain();
      }
    } catch {
      // A hiccup (network, restart): keep polling.
    }
  }, INTERVAL_MS);
}

function init() {
  document.querySelectorAll("[data-status]").forEach(watch);
}

document.addEventListener("srsite:swap", init);
init();
