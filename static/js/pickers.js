// Long lists (categories, units, people, areas) become searchable pickers: type Chinese, pinyin initials
// (bllj → 暴露垃圾), whole syllables or a code. Each option's pinyin comes from the server (data-pinyin).
/* global TomSelect */
document.querySelectorAll("select[data-picker]").forEach((select) => {
  const blank = select.querySelector('option[value=""]');
  new TomSelect(select, {
    searchField: ["text", "pinyin"],
    maxOptions: 400,
    allowEmptyOption: Boolean(blank),
    placeholder: blank ? blank.textContent : "",
    sortField: [{ field: "$score" }, { field: "$order" }],
    closeAfterSelect: true,
  });
});
