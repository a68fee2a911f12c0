/* Roll-call: show the reason field only for an excused absence, and save a row when its
   status changes (an excused absence once it has a reason: the reason field saves it then).
   Charts: draw from the JSON in <script type="application/json" data-chart>. No other
   behaviour. Nothing here is inline in the pages: the Content-Security-Policy forbids it. */
(function () {
  "use strict";
  function syncReason(row) {
    var checked = row.querySelector("input[type=radio]:checked");
    var reason = row.querySelector(".reason");
    if (!reason) return;
    reason.hidden = !(checked && checked.value === "excused");
  }
  function syncAll(root) {
    root.querySelectorAll(".rollcall li").forEach(syncReason);
  }
  document.addEventListener("change", function (event) {
    var row = event.target.closest(".rollcall li");
    if (!row) return;
    syncReason(row);
    var status = event.target.closest("[data-rollcall-status]");
    if (!status || typeof htmx === "undefined") return;
    var reason = row.querySelector(".reason input");
    if (event.target.value !== "excused" || (reason && reason.value)) htmx.trigger(status, "rollcall-save");
  });
  document.addEventListener("DOMContentLoaded", function () { syncAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { syncAll(event.target.parentNode || document); });

  var GRADE_COLOURS = { "tot": "#1e6b34", "kha": "#1a73e8", "trung-binh": "#e08a00", "kem": "#c5221f" };
  function colour(code, i) { return GRADE_COLOURS[code] || ["#5f6368", "#8e24aa", "#00897b"][i % 3]; }

  function draw(canvas, spec) {
    if (typeof Chart === "undefined") return;
    var kind = canvas.dataset.chartKind;
    var config;
    if (kind === "cell") {
      config = { type: "line", data: { labels: spec.labels, datasets: [
        { label: canvas.dataset.labelScore, data: spec.scores, borderColor: "#b71c1c", backgroundColor: "#b71c1c", spanGaps: false, yAxisID: "y" },
        { label: canvas.dataset.labelRate, data: spec.rates, borderColor: "#1a73e8", backgroundColor: "#1a73e8", borderDash: [4, 4], yAxisID: "y" }
      ] }, options: { maintainAspectRatio: false, scales: { y: { min: 0, max: 100 } } } };
    } else if (kind === "ward" || kind === "city") {
      config = { type: "bar", data: { labels: spec.labels, datasets: spec.series.map(function (s, i) {
        return { label: s.label, data: s.data, backgroundColor: colour(s.code, i) };
      }) }, options: { maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } };
    }
    if (config) new Chart(canvas, config);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (source) draw(canvas, JSON.parse(source.textContent));
    });
  });
})();
