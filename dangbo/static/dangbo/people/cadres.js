/* The young and female cadres page: planned and actual shares by unit as grouped bars. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("shares-data");
    var canvas = document.getElementById("shares-chart");
    var names = document.getElementById("shares-labels");
    if (!data || !canvas || !names || !window.Chart) { return; }
    var chart = JSON.parse(data.textContent);
    var set = function (key, label, color) { return { label: names.getAttribute(label), data: chart[key], backgroundColor: color }; };
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: [
          set("young_planned", "data-young-planned", "#f4a261"),
          set("young_actual", "data-young-actual", "#e76f51"),
          set("female_planned", "data-female-planned", "#8ecae6"),
          set("female_actual", "data-female-actual", "#219ebc")
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, max: 100 } } }
    });
  });
})();
