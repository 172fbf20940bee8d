// Selects that submit their form on change (the language switch, the month of the dashboard): a script
// file rather than inline handlers, which the Content Security Policy does not run.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
// Folded by default on a phone: the list comes first (the filters stay one tap away).
document.querySelectorAll("details[data-close-narrow]").forEach((details) => {
  if (window.matchMedia("(max-width: 640px)").matches) details.open = false;
});
