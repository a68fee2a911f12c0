// The bell. On a wide screen a click opens the latest unread notifications (an htmx
// partial) under it; Escape or a click elsewhere closes them. On a phone, and without
// JavaScript, the bell is a plain link to the notifications page.
(() => {
  const wide = window.matchMedia("(min-width: 48.01rem)");
  const bell = () => document.querySelector("[data-bell]");
  const menuOf = (link) => link && link.parentElement.querySelector(".bell-menu");

  function sync() {
    const link = bell();
    if (!link) return;
    if (wide.matches && window.htmx) {
      link.setAttribute("aria-controls", menuOf(link).id);
      link.setAttribute("aria-expanded", String(!menuOf(link).hidden));
    } else {
      link.removeAttribute("aria-controls");
      link.removeAttribute("aria-expanded");
      menuOf(link).hidden = true;
    }
  }

  function close(focus) {
    const link = bell();
    const menu = menuOf(link);
    if (!menu || menu.hidden) return;
    menu.hidden = true;
    link.setAttribute("aria-expanded", "false");
    if (focus) link.focus();
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-bell]");
    if (!link) {
      const menu = menuOf(bell());
      if (menu && !menu.contains(event.target)) close(false);
      return;
    }
    if (!wide.matches || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    const menu = menuOf(link);
    if (!menu.hidden) {
      close(false);
      return;
    }
    window.htmx.ajax("GET", link.dataset.menuUrl, { target: menu, swap: "innerHTML" }).then(() => {
      menu.hidden = false;
      link.setAttribute("aria-expanded", "true");
    });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close(true);
  });
  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("htmx:oobAfterSwap", sync);
  wide.addEventListener("change", sync);
})();
