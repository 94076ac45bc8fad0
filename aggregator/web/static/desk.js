// Optional helpers for the desk; every page works without this script.
// - The editor's name typed in one form fills the other forms on the page.
// - Keyboard shortcuts (? lists them). They only move the focus, check boxes, follow links and
//   press the page's own submit buttons: every change is still a form the server checks.
// - On the list, a box in the header checks every row of the page.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const fields = Array.from(document.querySelectorAll("input[data-editor]"));
  for (const field of fields) {
    field.addEventListener("input", () => {
      for (const other of fields) {
        if (other !== field) other.value = field.value;
      }
    });
  }

  const help = document.getElementById("shortcuts");
  const opener = document.querySelector("[data-open-shortcuts]");
  const rows = Array.from(document.querySelectorAll("table.stubs tbody tr[data-stub]"));
  const pickAll = document.getElementById("pick-all");
  const bulk = document.getElementById("bulk");
  let current = -1;

  const showHelp = (open) => {
    if (!help) return;
    help.hidden = !open;
    if (open) help.querySelector("[data-close-shortcuts]").focus();
  };
  if (opener) {
    opener.hidden = false;
    opener.addEventListener("click", () => showHelp(true));
  }
  if (help) {
    help.querySelector("[data-close-shortcuts]").addEventListener("click", () => showHelp(false));
    help.addEventListener("click", (event) => {
      if (event.target === help) showHelp(false);
    });
  }

  const boxes = rows.map((row) => row.querySelector("td.pick input[type=checkbox]"));
  if (pickAll && boxes.length) {
    pickAll.hidden = false;
    pickAll.addEventListener("change", () => {
      for (const box of boxes) box.checked = pickAll.checked;
    });
    for (const box of boxes) {
      box.addEventListener("change", () => {
        pickAll.checked = boxes.every((b) => b.checked);
      });
    }
  }

  const select = (index) => {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("current", i === current));
    rows[current].setAttribute("aria-current", "true");
    rows.forEach((row, i) => {
      if (i !== current) row.removeAttribute("aria-current");
    });
    const link = rows[current].querySelector("td.title a");
    if (link) link.focus({ preventScroll: true });
    rows[current].scrollIntoView({ block: "nearest" });
  };

  const follow = (rel) => {
    const link = document.querySelector(`nav.stepper a[rel="${rel}"]`);
    if (link) window.location.assign(link.href);
  };

  // Press a submit button of the page, so the browser checks the form's required fields
  // (the editor's name) and the server checks the rest.
  const press = (button) => {
    if (!button || button.disabled) return;
    const form = button.form;
    if (form && typeof form.requestSubmit === "function") form.requestSubmit(button);
    else button.click();
  };

  const moveTo = (state) => {
    if (bulk) {
      const checked = boxes.filter((box) => box && box.checked);
      if (!checked.length && current >= 0 && boxes[current]) boxes[current].checked = true;
      press(bulk.querySelector(`button[name=state][value="${state}"]`));
      return;
    }
    press(document.querySelector(`form.move button[name=state][value="${state}"]`));
  };

  const typing = (target) =>
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (help && !help.hidden) {
      if (event.key === "Escape" || event.key === "?") {
        event.preventDefault();
        showHelp(false);
      }
      return;
    }
    if (typing(event.target)) return;
    const key = event.key;
    const onControl = event.target instanceof HTMLElement && event.target.closest("button, a");
    if (key === "Enter" && onControl && !event.target.closest("tr[data-stub]")) return;
    if (key === "?") {
      showHelp(true);
    } else if (key === "j") {
      if (rows.length) select(current + 1);
      else follow("next");
    } else if (key === "k") {
      if (rows.length) select(current < 0 ? 0 : current - 1);
      else follow("prev");
    } else if ((key === "Enter" || key === "o") && current >= 0) {
      const link = rows[current].querySelector("td.title a");
      if (link) window.location.assign(link.href);
    } else if (key === "x" && current >= 0 && boxes[current]) {
      boxes[current].checked = !boxes[current].checked;
      boxes[current].dispatchEvent(new Event("change"));
    } else if (key === "e") {
      const part = document.querySelector(
        "form.part textarea, form.part select, textarea[id^='content-'], select[id^='content-']",
      );
      if (!part) return;
      part.scrollIntoView({ block: "center" });
      part.focus();
    } else if (key === "a") {
      moveTo("approved");
    } else if (key === "r") {
      moveTo("rejected");
    } else if (key === "/") {
      const search = document.querySelector("input[type=search][name=q]");
      if (!search) return;
      search.focus();
    } else {
      return;
    }
    event.preventDefault();
  });
});

// Optional: on the stub page, leaving with parts changed but not saved asks first (a state
// button, a link, reload, closing the tab). Pressing Save sends every changed part. A page
// that came back with unsaved text (a refused or stale save) counts as changed from the start.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("parts");
  if (!form) return;
  const fields = Array.from(form.querySelectorAll("textarea, select"));
  const initial = (field) => {
    if (field.tagName !== "SELECT") return field.defaultValue;
    const chosen = Array.from(field.options).find((option) => option.defaultSelected);
    return (chosen || field.options[0] || { value: "" }).value;
  };
  const changed = () =>
    form.hasAttribute("data-unsaved") || fields.some((field) => field.value !== initial(field));
  let saving = false;
  form.addEventListener("submit", () => {
    saving = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!saving && changed()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
});
