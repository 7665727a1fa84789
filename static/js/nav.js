// The phone menu: at narrow widths (site.css) the main nav folds behind the Menu button. Loaded in <head>
// without defer, so the page is marked as scripted before it is first painted; without JS the nav shows
// all its links, wrapped.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("[data-nav-toggle]");
  if (!toggle) return; // signed out: no nav
  const nav = document.getElementById(toggle.getAttribute("aria-controls"));
  const setOpen = (open) => toggle.setAttribute("aria-expanded", String(open));
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
  // A tap outside the open menu closes it.
  document.addEventListener("click", (event) => {
    if (!toggle.contains(event.target) && !nav.contains(event.target)) setOpen(false);
  });
});
