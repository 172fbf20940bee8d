// Selects that submit their form on change (the language switch, the month of the dashboard): a script
// file rather than inline handlers, which the Content Security Policy does not run.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
