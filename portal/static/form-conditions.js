// A built service's form: hide the pages and questions whose condition
// (JsonLogic in data-when) is false for the answers given so far, and show
// them again when it holds. The server works the conditions out again and
// drops answers to hidden questions; this only spares people questions that
// do not apply. A condition reading an answer the page cannot see (a table,
// a calculated value) leaves its part shown.
(function () {
  "use strict";
  var form = document.querySelector("form [data-when]") && document.querySelector("form.form");
  if (!form || typeof jsonLogic === "undefined") return;

  function number(text) {
    var plain = text.replace(/[\u0E50-\u0E59]/g, function (d) {
      return String(d.charCodeAt(0) - 0x0E50);
    }).replace(/,/g, "").trim();
    return plain !== "" && !isNaN(plain) ? parseFloat(plain) : text;
  }

  function answers() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "file" || el.type === "hidden") return;
      if (/-\d+-/.test(el.name)) return; // table cells
      if (el.type === "radio") {
        if (!(el.name in data)) data[el.name] = null;
        if (el.checked) data[el.name] = el.value;
      } else if (el.type === "checkbox") {
        if (!Array.isArray(data[el.name])) data[el.name] = [];
        if (el.checked) data[el.name].push(el.value);
      } else if (el.tagName === "SELECT") {
        data[el.name] = el.value === "" ? null : el.value;
      } else {
        data[el.name] = el.value.trim() === "" ? null : number(el.value);
      }
    });
    return data;
  }

  function reads(rule, out) {
    if (Array.isArray(rule)) {
      rule.forEach(function (r) { reads(r, out); });
    } else if (rule && typeof rule === "object") {
      Object.keys(rule).forEach(function (op) {
        if (op === "var") {
          var name = Array.isArray(rule[op]) ? rule[op][0] : rule[op];
          if (typeof name === "string") out.push(name.split(".")[0]);
        } else if (op === "map" || op === "reduce" || op === "filter" ||
                   op === "all" || op === "some" || op === "none") {
          reads(rule[op][0], out); // what the rest reads belongs to each item
        } else {
          reads(rule[op], out);
        }
      });
    }
    return out;
  }

  var parts = Array.prototype.map.call(form.querySelectorAll("[data-when]"), function (el) {
    return { el: el, rule: JSON.parse(el.getAttribute("data-when")) };
  });

  function update() {
    var data = answers();
    parts.forEach(function (part) {
      var known = reads(part.rule, []).every(function (name) { return name in data; });
      var shown = true;
      if (known) {
        try { shown = !!jsonLogic.truthy(jsonLogic.apply(part.rule, data)); } catch (e) { shown = true; }
      }
      part.el.hidden = !shown;
      var note = part.el.querySelector(":scope > .condition-note");
      if (note) note.hidden = known;
    });
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
}());
