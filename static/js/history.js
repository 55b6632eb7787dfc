// Draw the region history line chart from the figure the server embedded with json_script (charts.js).
window.sodpaDrawChart("history-chart", "history-data");
