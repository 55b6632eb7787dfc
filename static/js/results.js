// Draw the radar chart from the figure the server embedded with json_script.
(function () {
  "use strict";
  var holder = document.getElementById("radar");
  var data = document.getElementById("radar-data");
  if (!holder || !data || !window.Plotly) { return; }
  var figure = JSON.parse(data.textContent);
  window.Plotly.newPlot(holder, figure.data, figure.layout, {responsive: true, displaylogo: false});
})();
