/* The documents-by-term page: the bar chart and the "copy the sentence" button. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("stats-data");
    var canvas = document.getElementById("stats-chart");
    if (data && canvas && window.Chart) {
      var chart = JSON.parse(data.textContent);
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: chart.labels, datasets: [{ label: chart.label, data: chart.values, backgroundColor: "#b3261e" }] },
        options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } },
                   scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
      });
    }
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        var status = button.parentNode.querySelector("[data-copy-status]");
        var text = source ? source.textContent.trim() : "";
        var done = function () { if (status) { status.textContent = button.getAttribute("data-copied"); } };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
        } else { fallback(text); done(); }
      });
    });
    function fallback(text) {
      var area = document.createElement("textarea");
      area.value = text; area.setAttribute("readonly", ""); area.style.position = "fixed"; area.style.opacity = "0";
      document.body.appendChild(area); area.select();
      try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
      document.body.removeChild(area);
    }
  });
})();
