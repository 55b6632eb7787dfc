// Draw the region history line chart from the figure the server embedded with json_script.
(function () {
  "use strict";
  var holder = document.getElementById("history-chart");
  var data = document.getElementById("history-data");
  if (!holder || !data || !window.Plotly) { return; }
  var figure = JSON.parse(data.textContent);
  window.Plotly.newPlot(holder, figure.data, figure.layout, {responsive: true, displaylogo: false});
})();
