/* The register form proposes the next free number of the issuing unit, type and term:
   it asks /api/v1/documents/next-number as they change (the unit's picker says
   "picker:picked"), fills the number when it is empty
   (or still the last proposal) and says which number it is. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("numbering-data");
    var number = document.getElementById("id_number");
    var hint = document.getElementById("next-number");
    if (!data || !number || !hint || !number.dataset.nextNumber) { return; }
    var choices = JSON.parse(data.textContent);
    var type = document.getElementById("id_type");
    var typeAbbr = document.getElementById("id_type_abbr");
    // The issuing unit's picker: its hidden input holds the chosen unit's id.
    var unit = document.querySelector("input[name=issuing_unit][data-picker-value]");
    var term = document.getElementById("id_term");
    var proposed = number.value;
    number.parentNode.appendChild(hint);
    function ask() {
      var abbr = (typeAbbr && typeAbbr.value.trim()) || choices.types[type && type.value];
      var code = choices.terms[term && term.value];
      if (!abbr || !code || !unit || !unit.value) { hint.hidden = true; return; }
      var url = number.dataset.nextNumber + "?" + new URLSearchParams({ issuer: unit.value, type: abbr, term: code });
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body) { hint.hidden = true; return; }
          if (!number.value || number.value === proposed) { number.value = body.number; }
          proposed = body.number;
          hint.textContent = hint.dataset.template.replace("{number}", body.number);
          hint.hidden = false;
        });
    }
    [type, typeAbbr, term].forEach(function (el) { if (el) { el.addEventListener("change", ask); } });
    if (unit) { unit.addEventListener("picker:picked", ask); }
    ask();
  });
})();
