// The unit tree picker (assignments/widgets/unit_tree.html): filter by name without accents,
// tick all top units (wards) or all units below one of them, clear the choice.
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().trim();
  }

  function setup(tree) {
    var filter = tree.querySelector("[data-unit-filter]");
    var count = tree.querySelector("[data-unit-count]");
    tree.querySelectorAll("[hidden][data-check-tops], [hidden][data-uncheck-all], [hidden][data-check-children]").forEach(function (button) {
      button.hidden = false;
    });

    function tell() {
      var ticked = tree.querySelectorAll("input[type=checkbox]:checked").length;
      count.textContent = ticked ? tree.dataset.countLabel.replace("__N__", ticked) : "";
    }

    tree.addEventListener("change", tell);
    tree.querySelector("[data-check-tops]").addEventListener("click", function () {
      tree.querySelectorAll("[data-unit-top]").forEach(function (box) { box.checked = true; });
      tell();
    });
    tree.querySelector("[data-uncheck-all]").addEventListener("click", function () {
      tree.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = false; });
      tell();
    });
    tree.querySelectorAll("[data-check-children]").forEach(function (button) {
      button.addEventListener("click", function () {
        button.closest("details").querySelectorAll("li:not([hidden]) input[type=checkbox]").forEach(function (box) { box.checked = true; });
        tell();
      });
    });
    filter.addEventListener("input", function () {
      var words = fold(filter.value).split(/\s+/).filter(Boolean);
      tree.querySelectorAll(".unit-tree-list > li").forEach(function (top) {
        var details = top.querySelector("details");
        var topMatches = words.every(function (w) { return top.dataset.unitSearch.indexOf(w) >= 0; });
        var anyChild = false;
        top.querySelectorAll("details li").forEach(function (child) {
          var match = !words.length || topMatches || words.every(function (w) { return child.dataset.unitSearch.indexOf(w) >= 0; });
          child.hidden = !match;
          anyChild = anyChild || (match && words.length > 0 && !topMatches);
        });
        top.hidden = words.length > 0 && !topMatches && !anyChild;
        if (details) {
          // Filtering unfolds the wards with a match; clearing folds back all but those with a choice.
          details.open = words.length ? anyChild : details.querySelector("input:checked") !== null;
        }
      });
    });
    tell();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-unit-tree]").forEach(setup);
  });
})();
