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
