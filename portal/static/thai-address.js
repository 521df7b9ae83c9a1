// A Thai address (portal.forms.address.ThaiAddressField): once a postcode
// of 5 digits is typed, the subdistrict and district inputs suggest the
// places that use it (a <datalist>) and the province is chosen. Everything
// still works without this script: the server reads what was typed.
// The places come from this site (/places/postcode/<code>.json), no CDN.
(function () {
  if (window.portalThaiAddress) { return; }  // each address field loads it: set up once
  window.portalThaiAddress = true;

  function asciiDigits(text) {
    return text.replace(/[\u0e50-\u0e59]/g, function (d) {
      return String.fromCharCode(d.charCodeAt(0) - 0x0e50 + 48);
    });
  }

  function datalist(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-list";
    input.parentNode.appendChild(list);
    input.setAttribute("list", list.id);
    return list;
  }

  function fill(list, entries) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    entries.forEach(function (entry) {
      var option = document.createElement("option");
      option.value = entry[0];
      if (entry[1]) { option.label = entry[0] + " · " + entry[1]; }
      list.appendChild(option);
    });
  }

  function setUp(box) {
    var input = function (part) { return box.querySelector('[data-address="' + part + '"]'); };
    var postcode = input("postcode"), sub = input("subdistrict"), district = input("district");
    var province = input("province"), status = box.querySelector("[data-address-status]");
    if (!postcode || !sub || !district || !province || !window.fetch) { return; }
    var english = (document.documentElement.lang || "").indexOf("en") === 0;
    var name = function (place, key) { return english ? place[key + "_en"] : place[key]; };
    var subList = datalist(sub), districtList = datalist(district);
    var places = [], asked = "";

    function show(found) {
      places = found;
      fill(subList, places.map(function (p) {
        return [name(p, "subdistrict"), name(p, "district")];
      }));
      var districts = {};
      places.forEach(function (p) { districts[name(p, "district")] = name(p, "province"); });
      fill(districtList, Object.keys(districts).map(function (d) { return [d, districts[d]]; }));
      var provinces = {};
      places.forEach(function (p) { provinces[p.province_code] = true; });
      var codes = Object.keys(provinces);
      if (codes.length === 1) { province.value = codes[0]; }
      if (places.length === 1) {
        if (!sub.value) { sub.value = name(places[0], "subdistrict"); }
        if (!district.value) { district.value = name(places[0], "district"); }
      }
      if (status) { status.textContent = places.length ? status.dataset.found : status.dataset.none; }
    }

    function lookUp() {
      var code = asciiDigits(postcode.value).replace(/[^0-9]/g, "");
      if (code.length !== 5 || code === asked) { return; }
      asked = code;
      fetch(box.dataset.placesUrl.replace("00000", code), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {places: []}; })
        .then(function (body) { if (asked === code) { show(body.places || []); } })
        .catch(function () { asked = ""; });
    }

    // A subdistrict picked from the list brings its district.
    sub.addEventListener("change", function () {
      var picked = places.filter(function (p) { return name(p, "subdistrict") === sub.value; });
      if (picked.length === 1) { district.value = name(picked[0], "district"); }
    });
    postcode.addEventListener("input", lookUp);
    lookUp();  // a form shown again after an error, or the edit form
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-thai-address]"), setUp);
  });
})();
