// Charts of a unit's dashboard (Chart.js, vendored). The data sits in json_script blocks;
// the same figures are in the tables beside the charts for screen readers and phones.
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function draw() {
    if (typeof Chart === "undefined") { return; }
    var names = data("chart-names") || {};
    var months = data("months-data");
    var canvas = document.getElementById("months-chart");
    if (months && canvas) {
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: months.labels,
          datasets: [
            { label: names.done, data: months.done, backgroundColor: "#2e7d32" },
            { label: names.due, data: months.due, backgroundColor: "#90caf9" }
          ]
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false }
      });
    }
    var units = data("units-data");
    canvas = document.getElementById("units-chart");
    if (units && canvas && units.labels.length) {
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: units.labels,
          datasets: [
            { label: names.completion, data: units.completion, backgroundColor: "#c62828" },
            { label: names.on_time, data: units.on_time, backgroundColor: "#f9a825" }
          ]
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100 } } }
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
