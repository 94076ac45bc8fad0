// Optional: the editor's name typed in one form fills the other forms on the page.
// Everything works without this script; the name is also remembered by the server.
document.addEventListener("DOMContentLoaded", () => {
  const fields = Array.from(document.querySelectorAll("input[data-editor]"));
  for (const field of fields) {
    field.addEventListener("input", () => {
      for (const other of fields) {
        if (other !== field) other.value = field.value;
      }
    });
  }
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
