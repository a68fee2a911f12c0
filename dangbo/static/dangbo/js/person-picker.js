// The person picker (orgs.forms.PersonPicker): a text box that finds people by name as one
// types, following the ARIA combobox pattern with a listbox popup (list autocomplete):
// ArrowDown/ArrowUp move through the people found, Enter picks, Escape closes the list
// (or, when it is closed, empties the box). Picking puts the person's id in the hidden
// input that the form sends. Without this script the form still works: the typed text is
// sent with the form and the page comes back with the people found as radio buttons.
// The unit picker (orgs.forms.UnitPicker) is the same box over units. With
// data-picker-change (a filter form that reloads on "change"), the typing in the box sends
// no change event; picking or emptying the box sends one from the hidden input instead,
// and only the chosen id is sent.
// The pickers of several items (orgs.forms.ManyPicker, data-multi-picker: UnitsPicker,
// PersonsPicker) are the same box choosing several: picking one adds it to the list above
// the box as a chip (a hidden input named like the field, so the form sends
// ?units=1&units=2 as a select would, and a "Remove" button) and empties the box for the
// next one; with data-chip-detail the chip shows the item's detail too (a person's birth
// year and unit). The messages' "{name}" is the item's name. Without this script, the
// chosen items are checked checkboxes and the items found come back as checkboxes to tick.
(() => {
  const DELAY_MS = 200;

  function setUp(root) {
    if (root.dataset.pickerReady) return;
    root.dataset.pickerReady = "true";
    const input = root.querySelector("[data-picker-input]");
    const value = root.querySelector("[data-picker-value]");
    const shown = root.querySelector("[data-picker-shown]");
    const list = root.querySelector("[data-picker-list]");
    const status = root.querySelector("[data-picker-status]");
    const chosen = root.querySelector("[data-picker-chosen]");
    const minChars = Number(root.dataset.minChars || 2);
    const sendsChange = "pickerChange" in root.dataset;
    const chips = root.querySelector("[data-picker-chips]"); // several items: the chosen ones
    const chipDetail = "chipDetail" in root.dataset;
    let items = [];
    let active = -1;
    let timer = null;
    let controller = null;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    const isOpen = () => !list.hidden;

    function setActive(index) {
      active = index;
      list.querySelectorAll("[role=option]").forEach((option, i) => {
        option.setAttribute("aria-selected", String(i === index));
      });
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      const option = list.children[index];
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }

    function open() {
      if (!items.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function show(found, message) {
      items = found;
      list.replaceChildren(
        ...items.map((item, i) => {
          const option = document.createElement("li");
          option.id = `${list.id}-${i}`;
          option.className = "person-picker-option";
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.dataset.index = String(i);
          const name = document.createElement("span");
          name.className = "person-picker-name";
          name.textContent = item.name;
          option.append(name);
          if (item.detail) {
            const detail = document.createElement("span");
            detail.className = "person-picker-detail";
            detail.textContent = item.detail;
            option.append(" ", detail);
          }
          return option;
        }),
      );
      status.textContent = message;
      setActive(-1);
      if (items.length) open();
      else close();
    }

    function showChosen(item) {
      chosen.replaceChildren();
      if (!item) return;
      const name = document.createElement("strong");
      name.textContent = item.name;
      chosen.append(`${root.dataset.msgChosen} `, name);
      if (item.detail) {
        const detail = document.createElement("span");
        detail.textContent = item.detail;
        chosen.append(" ", detail);
      }
    }

    const say = (message, item) => message.replace("{name}", item.name);

    function makeChip(item) {
      const chip = document.createElement("li");
      chip.className = "multi-picker-chip";
      chip.dataset.pickerChip = "";
      const name = document.createElement("span");
      name.className = "multi-picker-name";
      const label = document.createElement("span");
      label.dataset.pickerLabel = "";
      label.textContent = item.name;
      name.append(label);
      if (chipDetail && item.detail) {
        const detail = document.createElement("span");
        detail.className = "multi-picker-detail";
        detail.textContent = item.detail;
        name.append(" ", detail);
      }
      const kept = document.createElement("input");
      kept.type = "hidden";
      kept.name = root.dataset.name;
      kept.value = String(item.id);
      chip.append(name, kept, removeButton(item.name));
      return chip;
    }

    function removeButton(label) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "multi-picker-remove";
      button.dataset.pickerRemove = "";
      button.setAttribute("aria-label", say(root.dataset.msgRemove, { name: label }));
      const cross = document.createElement("span");
      cross.setAttribute("aria-hidden", "true");
      cross.textContent = "×";
      button.append(cross);
      return button;
    }

    // The chosen items drawn by the page are checkboxes (for use without the script): each
    // becomes a chip with a hidden input and its "Remove" button.
    function setUpChips() {
      chips.querySelectorAll("[data-picker-chip]").forEach((chip) => {
        const box = chip.querySelector("[data-picker-keep]");
        if (!box) return;
        if (!box.checked) {
          chip.remove();
          return;
        }
        const kept = document.createElement("input");
        kept.type = "hidden";
        kept.name = box.name;
        kept.value = box.value;
        box.replaceWith(kept);
        const button = chip.querySelector("[data-picker-remove]");
        if (button) button.hidden = false;
      });
    }

    function isChosen(id) {
      return [...chips.querySelectorAll("input")].some((kept) => kept.value === String(id));
    }

    function add(item) {
      input.value = "";
      shown.value = "";
      show([], "");
      if (isChosen(item.id)) {
        status.textContent = say(root.dataset.msgAlready, item);
      } else {
        chips.append(makeChip(item));
        status.textContent = say(root.dataset.msgAdded, item);
      }
      input.focus();
      chips.dispatchEvent(new CustomEvent("picker:picked", { bubbles: true }));
    }

    function remove(chip) {
      const name = chip.querySelector("[data-picker-label]")?.textContent.trim() || "";
      const next = chip.nextElementSibling || chip.previousElementSibling;
      chip.remove();
      status.textContent = say(root.dataset.msgRemoved, { name });
      // The focus stays in the list while items remain in it, then goes back to the box.
      const button = next && next.querySelector("[data-picker-remove]");
      (button || input).focus();
      chips.dispatchEvent(new CustomEvent("picker:picked", { bubbles: true }));
    }

    async function search() {
      clearTimeout(timer);
      const q = input.value.trim();
      if (controller) controller.abort();
      if (q.length < minChars) {
        show([], q ? root.dataset.msgShort : "");
        return;
      }
      controller = new AbortController();
      const url = new URL(root.dataset.lookupUrl, window.location.href);
      url.searchParams.set("q", q);
      try {
        const response = await fetch(url, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: controller.signal,
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const data = await response.json();
        if (input.value.trim() !== q) return; // the text changed meanwhile
        show(data.items, data.message);
      } catch (error) {
        if (error.name === "AbortError") return;
        show([], root.dataset.msgFailed);
      }
    }

    // Whatever the form, a "picker:picked" event from the hidden input says its value changed
    // (a page's own script, e.g. the register's next number, listens for it).
    function announce(had) {
      if (value.value !== had) value.dispatchEvent(new CustomEvent("picker:picked", { bubbles: true }));
    }

    function pick(index) {
      const item = items[index];
      if (!item) return;
      if (chips) {
        add(item);
        return;
      }
      const had = value.value;
      value.value = String(item.id);
      input.value = item.name;
      shown.value = item.name;
      // The people found without the script (radio buttons) no longer apply.
      root.querySelectorAll("[data-picker-found]").forEach((found) => found.remove());
      close();
      status.textContent = "";
      showChosen(item);
      input.focus();
      announce(had);
      if (sendsChange) value.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function clear() {
      if (chips) {
        input.value = "";
        show([], "");
        return;
      }
      const had = value.value;
      input.value = "";
      value.value = "";
      shown.value = "";
      show([], "");
      showChosen(null);
      announce(had);
      if (sendsChange && had) value.dispatchEvent(new Event("change", { bubbles: true }));
    }

    // The box's own change events stay inside: the hidden input speaks for the picker, and
    // it alone goes into the address (?unit=<id>, as without the picker).
    if (sendsChange) {
      input.addEventListener("change", (event) => event.stopPropagation());
      input.removeAttribute("name");
      shown.removeAttribute("name");
    }

    input.addEventListener("input", () => {
      if (chips) {
        clearTimeout(timer);
        timer = setTimeout(search, DELAY_MS);
        return;
      }
      const had = value.value;
      value.value = ""; // the text no longer names the person picked before
      announce(had);
      if (sendsChange && had && !input.value.trim()) {
        value.dispatchEvent(new Event("change", { bubbles: true })); // emptied: no unit chosen
      }
      showChosen(null);
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", (event) => {
      if (event.isComposing) return;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!isOpen()) {
            if (!items.length) {
              search();
              return;
            }
            open();
            if (event.altKey) return;
            setActive(0);
            return;
          }
          setActive(active + 1 >= items.length ? 0 : active + 1);
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!isOpen()) {
            open();
            if (items.length) setActive(items.length - 1);
            return;
          }
          setActive(active <= 0 ? items.length - 1 : active - 1);
          break;
        case "Enter":
          if (isOpen()) {
            event.preventDefault(); // never send the form by accident with the list open
            if (active >= 0) pick(active);
          } else if ((chips || !value.value) && input.value.trim()) {
            event.preventDefault(); // nobody picked yet: look the text up instead
            search();
          }
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            event.stopPropagation();
            close();
          } else if (input.value) {
            event.preventDefault();
            clear();
          }
          break;
        case "Tab":
          close();
          break;
        default:
      }
    });

    // A click or a tap in the box shows again the people found, until one is picked.
    input.addEventListener("click", () => {
      if (!isOpen() && items.length && (chips || !value.value)) open();
    });

    // A click (or a tap) on a person picks them; keep the focus in the text box meanwhile.
    list.addEventListener("mousedown", (event) => event.preventDefault());
    list.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) pick(Number(option.dataset.index));
    });
    if (chips) {
      setUpChips();
      chips.addEventListener("click", (event) => {
        const button = event.target.closest("[data-picker-remove]");
        if (button) remove(button.closest("[data-picker-chip]"));
      });
    }
    root.addEventListener("focusout", (event) => {
      if (!root.contains(event.relatedTarget)) close();
    });
  }

  function setUpAll(scope) {
    if (scope.matches && scope.matches("[data-person-picker]")) setUp(scope);
    scope.querySelectorAll("[data-person-picker]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => setUpAll(document));
  } else {
    setUpAll(document);
  }
  document.addEventListener("htmx:load", (event) => setUpAll(event.detail.elt));
})();
