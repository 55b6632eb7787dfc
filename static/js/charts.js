// Draws the Plotly figures the server embedded with json_script (the radar, the history chart): without
// the modebar, in the page's language (zh-hans: Plotly's zh-CN locale, plotly-locale-zh-cn.js).
(function () {
  "use strict";
  var language = (document.documentElement.lang || "").toLowerCase();
  var config = {responsive: true, displaylogo: false, displayModeBar: false,
                locale: language.indexOf("zh") === 0 ? "zh-CN" : "en"};
  window.sodpaDrawChart = function (holderId, dataId) {
    var holder = document.getElementById(holderId);
    var data = document.getElementById(dataId);
    if (!holder || !data || !window.Plotly) { return; }
    var figure = JSON.parse(data.textContent);
    if (holder.clientWidth < 500 && figure.layout.xaxis) {
      figure.layout.xaxis.nticks = 4;  // a phone: fewer date ticks, so none is cut at the edge
    }
    window.Plotly.newPlot(holder, figure.data, figure.layout, config);
  };
})();
