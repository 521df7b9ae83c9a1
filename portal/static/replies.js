// Picking a ready-made reply copies its text into the message, still editable.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-fills]").forEach(function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var target = document.getElementById(select.dataset.fills);
      if (target && option.dataset.text) { target.value = option.dataset.text; }
    });
  });
});
