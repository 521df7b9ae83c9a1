// A staff list's date filter as the portal's one date input: for each end
// of the range a day, a Thai month and a Buddhist-era year, copied from the
// <template id="be-range-parts"> the server drew (its labels and hints are
// the page's language). What they hold is written into Flask-Admin's own
// text box, now hidden, as "1/6/2567 - 30/6/2567": the server reads that
// box, with or without this script.
(function () {
  "use strict";
  var parts = document.getElementById("be-range-parts");
  var groups = document.getElementById("filter-groups-data");
  var table = document.querySelector("#filter_form .filters");
  if (!parts || !groups || !table) return;
  var dateArgs = {};
  var data = JSON.parse(groups.textContent);
  Object.keys(data).forEach(function (name) {
    data[name].forEach(function (f) { if (f.type === "be-daterange") dateArgs[f.arg] = true; });
  });

  function isDateBox(input) {
    var m = /^flt\d+_(.+)$/.exec(input.name || "");
    return m && dateArgs[m[1]] && !input.dataset.beDates;
  }

  function fromIso(text) {  // 2024-06-01 (a link made before) -> [1, 6, 2567]
    var m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    return m ? [+m[3], +m[2], +m[1] + 543] : null;
  }

  function read(value) {
    value = value.trim();
    var iso = /^(\S+)\s+to\s+(\S+)$/.exec(value);
    var ends;
    if (iso) ends = [iso[1], iso[2]];
    else if (/^(?:-|–|ถึง)\s*/.test(value)) ends = ["", value.replace(/^(?:-|–|ถึง)\s*/, "")];
    else if (/\s*(?:-|–|ถึง)$/.test(value)) ends = [value.replace(/\s*(?:-|–|ถึง)$/, ""), ""];
    else ends = value.split(/\s*(?:\s-\s|–|ถึง|\bto\b)\s*/);
    return ends.map(function (end) {
      var day = fromIso(end.trim());
      if (day) return day;
      var m = /^(\S+)\/(\S+)\/(\S+)$/.exec(end.trim());
      return m ? [m[1], +m[2] || "", m[3]] : ["", "", ""];  // "" too: an open end
    });
  }

  function boxes(fieldset) {
    return {
      day: fieldset.querySelector(".date-input-day-box"),
      month: fieldset.querySelector(".date-input-month-box"),
      year: fieldset.querySelector(".date-input-year-box")
    };
  }

  function typed(b) {
    var day = b.day.value.trim(), month = b.month.value, year = b.year.value.trim();
    if (!day && !month && !year) return "";
    return day + "/" + month + "/" + year;
  }

  var count = 0;
  function enhance(input) {
    input.dataset.beDates = "1";
    count += 1;
    var holder = document.createElement("div");
    holder.className = "be-range";
    holder.appendChild(parts.content.cloneNode(true));
    // Ids unique to this filter row; nothing here is sent but the text box.
    holder.querySelectorAll("[id]").forEach(function (el) { el.id += "-f" + count; });
    holder.querySelectorAll("[for]").forEach(function (el) {
      el.setAttribute("for", el.getAttribute("for") + "-f" + count);
    });
    holder.querySelectorAll("[aria-describedby]").forEach(function (el) {
      el.setAttribute("aria-describedby", el.getAttribute("aria-describedby").split(" ")
        .map(function (id) { return id + "-f" + count; }).join(" "));
    });
    holder.querySelectorAll("[name]").forEach(function (el) { el.removeAttribute("name"); });
    var ends = Array.prototype.map.call(holder.querySelectorAll("fieldset"), boxes);
    read(input.value).forEach(function (end, i) {
      if (!ends[i]) return;
      ends[i].day.value = end[0];
      ends[i].month.value = end[1];
      ends[i].year.value = end[2];
    });
    function write() {
      var first = typed(ends[0]), last = typed(ends[1]);
      // An open end stays open: "1/6/2567 -" from then on, "- 30/6/2567" up to then.
      input.value = first && last ? first + " - " + last : first ? first + " -"
        : last ? "- " + last : "";
      input.dispatchEvent(new Event("change", { bubbles: true }));
      if (window.jQuery) window.jQuery(input).trigger("change");  // shows "Apply"
    }
    holder.addEventListener("input", write);
    holder.addEventListener("change", function (event) {
      if (event.target !== input) write();
    });
    input.type = "hidden";
    input.parentNode.insertBefore(holder, input);
  }

  function scan() {
    table.querySelectorAll("input.filter-val").forEach(function (input) {
      if (isDateBox(input)) enhance(input);
    });
  }
  scan();
  // Flask-Admin adds a row, or redraws its input, when a filter is picked.
  new MutationObserver(scan).observe(table, { childList: true, subtree: true });
})();
